// Test support (not a test file): build tar archives from entry lists and list the entries of an archive.
import { Readable } from 'node:stream';
import tar, { type Header } from 'tar-stream';

/** FixtureEntry is one entry of a test archive; `body` makes it a regular file of that content. */
export type FixtureEntry = Partial<Header> & { name: string; body?: string };

/** tarOf builds an archive from entries, in order. */
export async function tarOf(entries: readonly FixtureEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  })();
  for (const { body, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (body !== undefined) pack.entry({ mode: 0o644, ...header, size: Buffer.byteLength(body) }, body, cb);
      else pack.entry({ mode: header.type === 'directory' ? 0o755 : 0o644, ...header }, cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** ListedEntry is what listTar reports per entry. */
export interface ListedEntry {
  name: string;
  type: string;
  linkname: string;
  mode: number;
  uid: number;
  body: string;
}

/** listTar reads an archive's entries with their file contents. */
export async function listTar(archive: Readable | Buffer): Promise<ListedEntry[]> {
  const extract = tar.extract();
  const out: ListedEntry[] = [];
  const src = Buffer.isBuffer(archive) ? Readable.from([archive]) : archive;
  src.once('error', (err) => extract.destroy(err));
  src.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(Buffer.from(c as Uint8Array));
    const h = entry.header;
    out.push({ name: h.name, type: h.type, linkname: h.linkname ?? '', mode: h.mode, uid: h.uid, body: Buffer.concat(chunks).toString() });
  }
  return out;
}
