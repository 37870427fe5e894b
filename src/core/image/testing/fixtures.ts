// TEST-ONLY: builders of small layers, images and archives for unit tests. Nothing outside *.test.ts files may
// import this module.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import type { Digest } from '../../../common/digest.js';

/** sha256 is the digest of bytes. */
export const sha256 = (b: Buffer | string): Digest => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** TarEntry is one entry of a tar built by makeTar. */
export interface TarEntry {
  readonly name: string;
  readonly body?: Buffer | string;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link';
  readonly linkname?: string;
}

/** makeTar builds a tar in memory (mtime 0, so it is deterministic). */
export async function makeTar(entries: readonly TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack);
  for (const e of entries) {
    const body = e.body === undefined ? undefined : Buffer.from(e.body);
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.name, type: e.type ?? 'file', mode: e.type === 'directory' ? 0o755 : 0o644, mtime: new Date(0), ...(e.linkname === undefined ? {} : { linkname: e.linkname }) };
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (body === undefined) pack.entry(header, cb);
      else pack.entry(header, body, cb);
    });
  }
  pack.finalize();
  return done;
}

/** makeLayer builds a layer tar holding the given files. */
export function makeLayer(files: Record<string, string>): Promise<Buffer> {
  return makeTar(Object.entries(files).map(([name, body]) => ({ name, body })));
}

/** gzip compresses bytes. */
export const gzip = (b: Buffer): Buffer => zlib.gzipSync(b);

/** collect reads a stream into one buffer. */
export async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

/** streamOf returns bytes as a stream delivered in small chunks. */
export function streamOf(b: Buffer, chunk = 4096): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += chunk) parts.push(b.subarray(i, i + chunk));
  return Readable.from(parts);
}

/** configFor builds an image config JSON for the given diff IDs. */
export function configFor(diffIds: readonly Digest[], extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: { Cmd: ['/bin/sh'], Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'test' })),
      ...extra,
    }),
  );
}

/** TarRead is one entry read back by readTar. */
export interface TarRead {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
  readonly linkname?: string;
  readonly mtime: number;
}

/** readTar parses a tar into its entries, in order. */
export async function readTar(bytes: Buffer): Promise<TarRead[]> {
  const extract = tar.extract();
  const out: TarRead[] = [];
  const feeding = (async (): Promise<void> => {
    extract.end(bytes);
  })();
  for await (const entry of extract) {
    const body = await collect(entry);
    const h = entry.header;
    out.push({ name: h.name, type: h.type, body, mtime: h.mtime.getTime(), ...(h.linkname ? { linkname: h.linkname } : {}) });
  }
  await feeding;
  return out;
}
