import fs from 'node:fs';
import { Readable } from 'node:stream';
import { WharfError } from '../../common/errors.js';
import { OPAQUE_MARKER, WHITEOUT_PREFIX } from './layer-path.js';
import { xattrAllowed } from './pax-xattrs.js';
import { FILE_TYPE } from './special-file-ops.js';
import { encodeHeader, END_OF_ARCHIVE, padding, type TarEntryType, type TarHeader } from './tar-writer-header.js';

/**
 * XattrReader is the port through which the tar writer reads extended attributes (Node's fs has no xattr calls;
 * src/os/native implements it). Both calls act on the path itself, never on a symlink's target.
 */
export interface XattrReader {
  /** llistxattr returns the attribute names of `path`. */
  llistxattr(path: string): string[];
  /** lgetxattr returns an attribute's value, or undefined when `path` does not carry it. */
  lgetxattr(path: string, name: string): Buffer | undefined;
}

/** TreeStart is where a walk begins: entry `name` (a Buffer or string; "." for the directory itself) of `dirFd`. */
export interface TreeStart {
  readonly dirFd: number;
  readonly name: string;
}

/** TreeTarOptions shape the archive. */
export interface TreeTarOptions {
  /**
   * topName names the start entry in the archive, and prefixes its children (Docker's rebase: "www" gives
   * "www/", "www/index.html"; "/" gives "/", "/bin/"); undefined leaves the start out and names children
   * relative to it ("bin/", "bin/sh"), as layers and `docker export` are.
   */
  readonly topName?: string;
  /** Convert overlayfs whiteouts (char device 0:0, opaque xattr) to OCI `.wh.` entries: for committing an upper dir. */
  readonly whiteouts?: boolean;
  /** skip leaves out an entry (and, for a directory, everything in it); `rel` is relative to the start ("a/b"). */
  readonly skip?: (rel: string) => boolean;
  /** Reads extended attributes; without it none are archived. Only xattrAllowed names are written. */
  readonly xattrs?: XattrReader;
  /**
   * elide: a directory for which this answers true is written only if something inside it is (a layer need not
   * carry a directory the runtime merely copied up to make a mount point in it).
   */
  readonly elide?: (rel: string) => Promise<boolean>;
  /** crossings maps relative paths to host paths shown there instead (bind mounts of a container). */
  readonly crossings?: ReadonlyMap<string, string>;
  readonly signal?: AbortSignal;
}

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
const CHUNK = 64 * 1024;
/** SMALL_FILE: files up to this size are read in one synchronous call and sent with their header. */
const SMALL_FILE = 256 * 1024;
const OPAQUE_XATTR = 'trusted.overlay.opaque';

/**
 * tarTree streams a file tree as an uncompressed tar, reading it through directory descriptors only (every entry
 * is opened relative to its directory's descriptor with O_NOFOLLOW, see DirHandle), so a tree that changes under
 * the walk (a running container) can never lead it outside. Entries come in byte order of their names, as Go's
 * filepath.Walk gives them. Regular files are hard-linked to the first name of the same inode; sockets are
 * skipped (compat: as moby's archive does); times are whole seconds; a file that changes size while it is read is
 * cut or zero-padded to the size in its header, as GNU tar does. Memory stays bounded (one small file of at most
 * 256 KiB, or one 64 KiB chunk of a larger one, at a time), read only as fast as the consumer takes the stream.
 * Metadata calls are synchronous (each is microseconds on a local filesystem, and a round trip to libuv's thread
 * pool per call made large trees ten times slower); large files are read asynchronously.
 */
export function tarTree(start: TreeStart, opts: TreeTarOptions = {}): Readable {
  return Readable.from(new TreeWalk(opts).run(start), { objectMode: false });
}

interface NodeStat {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly rdev: number;
  readonly nlink: number;
  readonly key: string;
}

/** Where an entry is: its directory's descriptor and name, and, for crossings, a host path instead. */
interface Place {
  readonly dirFd: number;
  readonly name: Buffer;
  readonly host?: string;
}

class TreeWalk {
  readonly #opts: TreeTarOptions;
  readonly #linked = new Map<string, Buffer>();

  constructor(opts: TreeTarOptions) {
    this.#opts = opts;
  }

  async *run(start: TreeStart): AsyncGenerator<Buffer> {
    const top = this.#opts.topName;
    const place: Place = { dirFd: start.dirFd, name: Buffer.from(start.name) };
    yield* this.#node(place, '', top === undefined ? undefined : Buffer.from(top === '/' ? '' : top), true);
    yield END_OF_ARCHIVE;
  }

  /** node archives one entry; `arc` is its archive name (undefined: the start, left out). */
  async *#node(place: Place, rel: string, arc: Buffer | undefined, isStart: boolean): AsyncGenerator<Buffer> {
    this.#opts.signal?.throwIfAborted();
    if (!isStart && this.#opts.skip?.(rel) === true) return;
    const p = placePath(place);
    let st: NodeStat;
    try {
      st = toNodeStat(place.host === undefined ? fs.lstatSync(p, { bigint: true }) : fs.statSync(p, { bigint: true }));
    } catch (err) {
      // Gone since its directory was listed (a running container deleted it): nothing to archive.
      if (!isStart && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const type = st.mode & FILE_TYPE.S_IFMT;
    if (type === FILE_TYPE.S_IFDIR) return yield* this.#dir(place, rel, arc, isStart);
    if (arc === undefined) return;
    if (type === FILE_TYPE.S_IFREG) return yield* this.#file(place, arc, st);
    if (type === FILE_TYPE.S_IFLNK) {
      const target = fs.readlinkSync(p, { encoding: 'buffer' });
      return yield this.#header(place, arc, 'symlink', st, { linkname: target });
    }
    if (type === FILE_TYPE.S_IFCHR && this.#opts.whiteouts === true && st.rdev === 0) {
      // An overlayfs whiteout becomes an empty `.wh.<name>` file (compat: moby's overlayWhiteoutConverter).
      const name = Buffer.concat([dirPart(arc), Buffer.from(WHITEOUT_PREFIX), basePart(arc)]);
      return yield encodeHeader({ name, type: 'file', mode: 0o600, uid: st.uid, gid: st.gid, size: 0, mtime: st.mtime });
    }
    const kind = DEVICE_TYPES.get(type);
    if (kind === undefined) return; // a socket
    yield this.#header(place, arc, kind, st, { devmajor: major(st.rdev), devminor: minor(st.rdev) });
  }

  async *#dir(place: Place, rel: string, arc: Buffer | undefined, isStart: boolean): AsyncGenerator<Buffer> {
    const fd = openDir(place);
    try {
      const st = toNodeStat(fs.fstatSync(fd, { bigint: true }));
      const prefix = arc === undefined ? Buffer.alloc(0) : Buffer.concat([arc, Buffer.from('/')]);
      let pending: Buffer[] = [];
      if (arc !== undefined) pending.push(this.#header(place, prefix, 'directory', st, {}));
      if (this.#opts.whiteouts === true && arc !== undefined && this.#isOpaque(place)) {
        const name = Buffer.concat([prefix, Buffer.from(OPAQUE_MARKER)]);
        pending.push(encodeHeader({ name, type: 'file', mode: st.mode & 0o777, uid: st.uid, gid: st.gid, size: 0, mtime: st.mtime }));
      }
      if (isStart || this.#opts.elide === undefined || !(await this.#opts.elide(rel))) {
        if (pending.length > 0) yield Buffer.concat(pending);
        pending = [];
      }
      const names = fs.readdirSync(`/proc/self/fd/${fd}`, { encoding: 'buffer' }).sort(Buffer.compare);
      for (const name of names) {
        const childRel = rel === '' ? name.toString('utf8') : `${rel}/${name.toString('utf8')}`;
        const host = this.#opts.crossings?.get(childRel);
        const child: Place = host === undefined ? { dirFd: fd, name } : { dirFd: fd, name, host };
        const entries = this.#node(child, childRel, Buffer.concat([prefix, name]), false);
        if (pending.length === 0) {
          yield* entries;
          continue;
        }
        for await (const chunk of entries) {
          // An elided directory's own entries go out just before the first thing inside it.
          if (pending.length > 0) {
            yield Buffer.concat(pending);
            pending = [];
          }
          yield chunk;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  async *#file(place: Place, arc: Buffer, lst: NodeStat): AsyncGenerator<Buffer> {
    const p = placePath(place);
    const flags = place.host === undefined ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK : O_RDONLY | O_NONBLOCK;
    let fd: number;
    try {
      fd = fs.openSync(p, flags);
    } catch (err) {
      // Deleted, or replaced by a symlink, since the lstat (a running container): left out, never followed.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP') return;
      throw err;
    }
    try {
      const st = toNodeStat(fs.fstatSync(fd, { bigint: true }));
      // Replaced by something else since the lstat: left out rather than read (it may be a FIFO or a device).
      if ((st.mode & FILE_TYPE.S_IFMT) !== FILE_TYPE.S_IFREG) return;
      if (lst.nlink > 1 || st.nlink > 1) {
        const first = this.#linked.get(st.key);
        if (first !== undefined) return yield this.#header(place, arc, 'link', st, { linkname: first });
        this.#linked.set(st.key, arc);
      }
      const header = this.#header(place, arc, 'file', st, { size: st.size });
      if (st.size <= SMALL_FILE) {
        // Small files (most of a root filesystem) go out in one piece, read without a round trip to the thread pool.
        yield Buffer.concat([header, readSmall(fd, st.size), padding(st.size)]);
        return;
      }
      yield header;
      yield* readExactly(fd, st.size, this.#opts.signal);
      yield padding(st.size);
    } finally {
      fs.closeSync(fd);
    }
  }

  #header(place: Place, name: Buffer, type: TarEntryType, st: NodeStat, extra: Partial<TarHeader>): Buffer {
    return encodeHeader({
      name,
      type,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      size: 0,
      mtime: st.mtime,
      xattrs: this.#xattrsOf(place),
      ...extra,
    });
  }

  #xattrsOf(place: Place): ReadonlyMap<string, Buffer> | undefined {
    const reader = this.#opts.xattrs;
    const p = textPath(place);
    if (reader === undefined || p === undefined) return undefined;
    const out = new Map<string, Buffer>();
    for (const name of reader.llistxattr(p)) {
      if (!xattrAllowed(name)) continue;
      const value = reader.lgetxattr(p, name);
      if (value !== undefined) out.set(name, value);
    }
    return out.size === 0 ? undefined : out;
  }

  #isOpaque(place: Place): boolean {
    const p = textPath(place);
    const value = p === undefined ? undefined : this.#opts.xattrs?.lgetxattr(p, OPAQUE_XATTR);
    return value !== undefined && value.length === 1 && value[0] === 0x79;
  }
}

const DEVICE_TYPES: ReadonlyMap<number, TarEntryType> = new Map([
  [FILE_TYPE.S_IFCHR, 'character-device'],
  [FILE_TYPE.S_IFBLK, 'block-device'],
  [FILE_TYPE.S_IFIFO, 'fifo'],
]);

/** readExactly yields exactly `size` bytes of the file: what it holds, cut or zero-padded if it changed meanwhile. */
async function* readExactly(fd: number, size: number, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  let pos = 0;
  while (pos < size) {
    signal?.throwIfAborted();
    const want = Math.min(CHUNK, size - pos);
    const buf = Buffer.allocUnsafe(want);
    const n = await readFd(fd, buf, pos);
    if (n === 0) {
      yield Buffer.alloc(size - pos);
      return;
    }
    pos += n;
    yield n === want ? buf : buf.subarray(0, n);
  }
}

function readFd(fd: number, buf: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, 0, buf.length, position, (err, n) => (err ? reject(err) : resolve(n))));
}

/** readSmall reads exactly `size` bytes (a small file), zero-padded if it shrank meanwhile. */
function readSmall(fd: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  for (let pos = 0; pos < size; ) {
    const n = fs.readSync(fd, buf, pos, size - pos, pos);
    if (n === 0) break;
    pos += n;
  }
  return buf;
}

function openDir(place: Place): number {
  try {
    return fs.openSync(placePath(place), place.host === undefined ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW : O_RDONLY | O_DIRECTORY);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR') {
      throw new WharfError('Conflict', 'WHARF_PATH_CHANGED', 'a directory changed into something else while it was archived', { cause: err });
    }
    throw err;
  }
}

function placePath(place: Place): string | Buffer {
  if (place.host !== undefined) return place.host;
  return Buffer.concat([Buffer.from(`/proc/self/fd/${place.dirFd}/`), place.name]);
}

/** textPath is the entry's path as a string for the xattr port, unless its name is not valid UTF-8. */
function textPath(place: Place): string | undefined {
  if (place.host !== undefined) return place.host;
  const name = place.name.toString('utf8');
  return Buffer.from(name, 'utf8').equals(place.name) ? `/proc/self/fd/${place.dirFd}/${name}` : undefined;
}

function toNodeStat(st: fs.BigIntStats): NodeStat {
  return {
    mode: Number(st.mode),
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: Number(st.size),
    mtime: Number(st.mtimeNs / 1_000_000_000n),
    rdev: Number(st.rdev),
    nlink: Number(st.nlink),
    key: `${st.dev}:${st.ino}`,
  };
}

// Linux dev_t encoding (glibc's gnu_dev_major/minor).
function major(rdev: number): number {
  return Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
}

function minor(rdev: number): number {
  return Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));
}

function dirPart(arc: Buffer): Buffer {
  return arc.subarray(0, arc.lastIndexOf(0x2f) + 1);
}

function basePart(arc: Buffer): Buffer {
  return arc.subarray(arc.lastIndexOf(0x2f) + 1);
}
