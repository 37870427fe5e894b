import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Digest } from '../../common/digest.js';
import { invalidArgument, WharfError } from '../../common/errors.js';
import type { ContentStore } from '../content/content-store.js';
import type { Lease } from './image-store.js';

/** ArchiveFile is a regular file of an image archive, stored in the content store under its digest. */
export interface ArchiveFile {
  readonly digest: Digest;
  readonly size: number;
}

/**
 * ArchiveContents is what reading an image archive (`docker save` output of any Docker version, or an OCI image
 * layout) leaves: every regular file stored as a blob, by its normalised path; links, to resolve paths through; and
 * the small JSON files at the root (manifest.json, index.json, repositories, oci-layout), kept in memory.
 */
export interface ArchiveContents {
  readonly files: ReadonlyMap<string, ArchiveFile>;
  readonly links: ReadonlyMap<string, string>;
  readonly rootJson: ReadonlyMap<string, Buffer>;
}

/** ReadArchiveOptions bound the work an archive may cause. */
export interface ReadArchiveOptions {
  /** Every stored file is added to this lease. */
  readonly lease: Lease;
  readonly signal?: AbortSignal;
  /** Largest root JSON file kept in memory; default 8 MiB. */
  readonly maxJsonBytes?: number;
  /** Most entries accepted; default 100 000. */
  readonly maxEntries?: number;
}

/** TarEntry is one entry of tar-stream's extractor: its header and a stream of its bytes. */
type TarEntry = ReturnType<typeof tar.extract> extends AsyncIterable<infer S> ? S : never;

const ROOT_JSON = new Set(['manifest.json', 'index.json', 'repositories', 'oci-layout']);
const NAMED_BLOB = /^blobs\/sha256\/([a-f0-9]{64})$/;
// compat: legacy (Docker < 25) per-layer v1 metadata that nothing reads any more.
const LEGACY_V1_METADATA = /^[^/]+\/(?:json|VERSION)$/;
const MAX_LINK_HOPS = 32;

/** invalidArchive is the error of a malformed or hostile image archive. */
export function invalidArchive(why: string, cause?: unknown): WharfError {
  return invalidArgument('WHARF_INVALID_ARCHIVE', `invalid archive: ${why}`, cause);
}

/**
 * archivePath normalises a path inside an archive (a tar entry name, a manifest.json path or a link target relative
 * to the root): `./` and empty segments go, and an absolute path or one with `..` is refused, so no name from the
 * archive can designate anything outside it.
 */
export function archivePath(name: string): string {
  if (name.includes('\0')) throw invalidArchive(`path ${JSON.stringify(name)} contains a NUL byte`);
  if (name.startsWith('/')) throw invalidArchive(`absolute path ${JSON.stringify(name)}`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalidArchive(`path ${JSON.stringify(name)} points outside the archive`);
  if (parts.length === 0) throw invalidArchive(`empty path ${JSON.stringify(name)}`);
  return parts.join('/');
}

/**
 * readArchive reads an (uncompressed) image archive in one pass, in any entry order: every regular file is streamed
 * into the content store as it arrives (files named blobs/sha256/<hex> verified against their name, others hashed),
 * under `lease`. Nothing is visible as an image afterwards; the caller decides what the contents mean.
 */
export async function readArchive(content: ContentStore, archive: Readable, opts: ReadArchiveOptions): Promise<ArchiveContents> {
  const maxJson = opts.maxJsonBytes ?? 8 << 20;
  const maxEntries = opts.maxEntries ?? 100_000;
  const files = new Map<string, ArchiveFile>();
  const links = new Map<string, string>();
  const rootJson = new Map<string, Buffer>();
  let entries = 0;
  for await (const entry of tarEntries(archive)) {
    opts.signal?.throwIfAborted();
    if (++entries > maxEntries) throw invalidArchive(`more than ${maxEntries} entries`);
    const { header } = entry;
    const type = header.type;
    if (type === 'directory' || (type !== 'file' && type !== 'contiguous-file' && type !== 'symlink' && type !== 'link')) {
      await drain(entry);
      continue;
    }
    const name = archivePath(header.name);
    if (type === 'symlink' || type === 'link') {
      links.set(name, linkTarget(name, header.linkname ?? '', type));
      await drain(entry);
    } else if (ROOT_JSON.has(name)) {
      rootJson.set(name, await readSmall(entry, maxJson, name));
    } else if (LEGACY_V1_METADATA.test(name)) {
      await drain(entry);
    } else {
      files.set(name, await store(content, entry, NAMED_BLOB.exec(name)?.[1], opts));
    }
  }
  return { files, links, rootJson };
}

/** resolveArchiveFile finds the stored file a path names, following links inside the archive. */
export function resolveArchiveFile(contents: ArchiveContents, path: string): ArchiveFile {
  let p = archivePath(path);
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    const file = contents.files.get(p);
    if (file !== undefined) return file;
    const next = contents.links.get(p);
    if (next === undefined) throw invalidArchive(`${JSON.stringify(path)} is not in the archive`);
    p = next;
  }
  throw invalidArchive(`too many levels of links resolving ${JSON.stringify(path)}`);
}

function linkTarget(name: string, linkname: string, type: 'symlink' | 'link'): string {
  // Hard links name a path from the archive root; symlinks are relative to their directory, and an absolute
  // symlink is taken inside the archive, as Docker's FollowSymlinkInScope does.
  if (type === 'link' || linkname.startsWith('/')) return archivePath(linkname.replace(/^\/+/, ''));
  const dir = name.split('/').slice(0, -1);
  const parts = [...dir];
  for (const seg of linkname.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) throw invalidArchive(`link ${JSON.stringify(name)} points outside the archive`);
      parts.pop();
    } else parts.push(seg);
  }
  return archivePath(parts.join('/'));
}

async function store(content: ContentStore, entry: TarEntry, hex: string | undefined, opts: ReadArchiveOptions): Promise<ArchiveFile> {
  const expected: Digest | undefined = hex === undefined ? undefined : `sha256:${hex}`;
  if (expected !== undefined) opts.lease.add(expected);
  return opts.lease.guard(async () => {
    const ingestOpts: { expected?: Digest; signal?: AbortSignal } = {};
    if (expected !== undefined) ingestOpts.expected = expected;
    if (opts.signal !== undefined) ingestOpts.signal = opts.signal;
    const info = await content.ingest(Readable.from(entryBytes(entry)), ingestOpts);
    opts.lease.add(info.digest);
    return { digest: info.digest, size: info.size };
  });
}

async function readSmall(entry: TarEntry, max: number, name: string): Promise<Buffer> {
  if (entry.header.size > max) throw invalidArchive(`${name} is larger than ${max} bytes`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of entryBytes(entry)) {
    size += chunk.length;
    if (size > max) throw invalidArchive(`${name} is larger than ${max} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

async function drain(entry: TarEntry): Promise<void> {
  for await (const _ of entryBytes(entry)) {
    // discard
  }
}

/** entryBytes yields an entry's bytes, reporting a broken archive (e.g. truncated mid-entry) as InvalidArgument. */
async function* entryBytes(entry: TarEntry): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of entry) yield chunk as Buffer;
  } catch (err) {
    throw archiveError(err);
  }
}

function archiveError(err: unknown): WharfError {
  return err instanceof WharfError ? err : invalidArchive((err as Error).message, err);
}

/** tarEntries yields the entries of a tar stream; each must be consumed before the next arrives. */
async function* tarEntries(archive: Readable): AsyncGenerator<TarEntry> {
  const extract = tar.extract();
  const feeding = pipeline(archive, extract as unknown as Writable);
  feeding.catch(() => undefined); // its errors also reach the iteration below, which reports them
  const it = extract[Symbol.asyncIterator]();
  try {
    for (;;) {
      let r: IteratorResult<TarEntry>;
      try {
        r = await it.next();
      } catch (err) {
        throw archiveError(err);
      }
      if (r.done === true) break;
      yield r.value;
    }
    await feeding.catch((err: unknown) => {
      throw archiveError(err);
    });
  } finally {
    extract.destroy();
    archive.destroy();
  }
}
