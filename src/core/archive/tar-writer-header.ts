/** TarEntryType is the kind of entry the tar writer emits. */
export type TarEntryType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo';

/** TarHeader is one entry to encode. Names are bytes: file names on Linux need not be UTF-8. */
export interface TarHeader {
  /** The entry name as stored (directories end with "/"). */
  readonly name: Buffer;
  readonly type: TarEntryType;
  /** Permission bits with setuid, setgid and sticky (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Data bytes that follow (regular files only). */
  readonly size: number;
  /** Modification time in whole seconds (compat: moby truncates archive times to seconds). */
  readonly mtime: number;
  /** A symlink's target, or a hard link's target entry name. */
  readonly linkname?: Buffer;
  readonly devmajor?: number;
  readonly devminor?: number;
  /** Extended attributes, written as PAX `SCHILY.xattr.<name>` records with raw byte values. */
  readonly xattrs?: ReadonlyMap<string, Buffer>;
}

/** BLOCK is the tar block size: headers are one block, data is padded to whole blocks. */
export const BLOCK = 512;

const TYPEFLAG: Readonly<Record<TarEntryType, string>> = {
  file: '0',
  link: '1',
  symlink: '2',
  'character-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
};

/**
 * encodeHeader returns the header block(s) of one entry: a ustar header, preceded by a PAX extended header when
 * something does not fit ustar (as Go's archive/tar in PAX format, which Docker writes): a name or link target
 * longer than 100 bytes or not ASCII, an owner id above 2097151, a size of 8 GiB or more, extended attributes.
 */
export function encodeHeader(h: TarHeader): Buffer {
  const pax: Buffer[] = [];
  const linkname = h.linkname ?? Buffer.alloc(0);
  if (!fitsField(h.name, 100)) pax.push(paxRecord('path', h.name));
  if (!fitsField(linkname, 100)) pax.push(paxRecord('linkpath', linkname));
  if (!fitsOctal(h.uid, 8)) pax.push(paxRecord('uid', Buffer.from(String(h.uid))));
  if (!fitsOctal(h.gid, 8)) pax.push(paxRecord('gid', Buffer.from(String(h.gid))));
  if (!fitsOctal(h.size, 12)) pax.push(paxRecord('size', Buffer.from(String(h.size))));
  for (const [name, value] of [...(h.xattrs ?? new Map<string, Buffer>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    pax.push(paxRecord(`SCHILY.xattr.${name}`, value));
  }
  const ustar = ustarBlock(h, linkname);
  if (pax.length === 0) return ustar;
  const data = Buffer.concat(pax);
  const paxName = Buffer.concat([Buffer.from('PaxHeaders.0/'), baseOf(h.name)]);
  const paxHeader = ustarBlock({ name: paxName, type: 'file', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: h.mtime }, Buffer.alloc(0), 'x');
  return Buffer.concat([paxHeader, data, padding(data.length), ustar]);
}

/** padding returns the zero bytes that complete `size` data bytes to a whole block. */
export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** END_OF_ARCHIVE is two zero blocks, which end every tar. */
export const END_OF_ARCHIVE: Buffer = Buffer.alloc(2 * BLOCK);

function ustarBlock(h: TarHeader, linkname: Buffer, typeflag = TYPEFLAG[h.type]): Buffer {
  const b = Buffer.alloc(BLOCK);
  h.name.copy(b, 0, 0, Math.min(h.name.length, 100));
  octal(b, 100, 8, h.mode & 0o7777);
  octal(b, 108, 8, fitsOctal(h.uid, 8) ? h.uid : 0);
  octal(b, 116, 8, fitsOctal(h.gid, 8) ? h.gid : 0);
  octal(b, 124, 12, fitsOctal(h.size, 12) ? h.size : 0);
  octal(b, 136, 12, fitsOctal(h.mtime, 12) ? Math.max(0, Math.floor(h.mtime)) : 0);
  b.write('        ', 148, 'latin1');
  b.write(typeflag, 156, 'latin1');
  linkname.copy(b, 157, 0, Math.min(linkname.length, 100));
  b.write('ustar\u000000', 257, 'latin1');
  octal(b, 329, 8, h.devmajor ?? 0);
  octal(b, 337, 8, h.devminor ?? 0);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  return b;
}

/** octal writes a NUL-terminated octal number filling a field of `width` bytes. */
function octal(b: Buffer, offset: number, width: number, value: number): void {
  b.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, 'latin1');
}

function fitsOctal(value: number, width: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 8 ** (width - 1);
}

/** fitsField: ustar name fields hold up to `width` bytes of ASCII (Go asks PAX for anything else). */
function fitsField(bytes: Buffer, width: number): boolean {
  if (bytes.length > width) return false;
  for (const byte of bytes) if (byte === 0 || byte >= 0x80) return false;
  return true;
}

/** paxRecord encodes `<len> <key>=<value>\n`, where len counts the whole record in bytes. */
export function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function baseOf(name: Buffer): Buffer {
  let end = name.length;
  while (end > 0 && name[end - 1] === 0x2f) end--;
  const start = name.lastIndexOf(0x2f, end - 1) + 1;
  return name.subarray(start, end).subarray(0, 80);
}
