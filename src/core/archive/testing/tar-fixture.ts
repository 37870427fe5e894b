// Test support: builds layer tars in memory (tar-stream pack for ordinary entries, raw headers for crafted ones).
import { Readable } from 'node:stream';
import { pack, type Header } from 'tar-stream';

/** FixtureEntry is one entry of a test tar: a partial tar-stream header (owner defaults to the test process). */
export interface FixtureEntry extends Partial<Header> {
  readonly name: string;
  readonly data?: string | Buffer;
}

/** tarOf packs entries into an uncompressed tar. Owner defaults to the current user so tests need no root. */
export async function tarOf(entries: readonly FixtureEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  // Read while packing: pack waits for its output to be consumed before it accepts more entries.
  const collected = (async () => {
    for await (const chunk of p) chunks.push(chunk as Buffer);
  })();
  for (const { data, ...header } of entries) {
    const full = {
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      mtime: new Date(1_600_000_000_000),
      ...header,
    };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (data === undefined) p.entry(full, cb).end(null);
      else p.entry(full, data, cb);
    });
  }
  p.finalize();
  await collected;
  return Buffer.concat(chunks);
}

/** rawHeader builds one ustar header block by hand, for entries tar-stream cannot write (binary PAX, odd types). */
export function rawHeader(name: string, typeflag: string, size: number, mode = 0o644): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, 'utf8');
  b.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
  b.write(`${(process.getuid?.() ?? 0).toString(8).padStart(7, '0')}\0`, 108);
  b.write(`${(process.getgid?.() ?? 0).toString(8).padStart(7, '0')}\0`, 116);
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  b.write('13720577000\0', 136);
  b.write('        ', 148);
  b.write(typeflag, 156);
  b.write('ustar\0', 257);
  b.write('00', 263);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return b;
}

/** padded returns data followed by NULs up to a multiple of 512 bytes (a tar data area). */
export function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** paxRecord encodes one PAX record, `<len> <key>=<value>\n`, with raw value bytes. */
export function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

/** END_OF_ARCHIVE is the two zero blocks that end a tar. */
export const END_OF_ARCHIVE = Buffer.alloc(1024);

/** streamOf yields a buffer as a stream of chunks of `size` bytes (to cross chunk boundaries everywhere). */
export function streamOf(buf: Buffer, size = 4096): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let off = 0; off < buf.length; off += size) yield buf.subarray(off, off + size);
  }
  return Readable.from(chunks());
}
