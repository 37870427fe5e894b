import type { BigIntStats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';

/** TarHeader is a tar-stream header as pack() takes it (only the name is required). */
type TarHeader = Partial<Header> & Pick<Header, 'name'>;
import { WharfError } from '../../common/errors.js';
import {
  getRebaseName,
  goBase,
  goClean,
  goPathError,
  hasTrailingPathSeparator,
  splitPathDirEntry,
  type CopyInfo,
} from './cp-paths.js';

// The local side of `wharf cp SRC CONTAINER:DST`: go-archive's CopyInfoSourcePath and TarResource. Symbolic links
// are archived as links, never followed, except the source itself with -L.

function fsError(op: string, p: string, err: unknown): WharfError {
  return new WharfError('InvalidArgument', 'WHARF_CP_LOCAL_PATH', goPathError(op, p, err), { cause: err });
}

/** evalSymlinks is Go's filepath.EvalSymlinks for an existing path (the real path, cleaned). */
async function evalSymlinks(p: string): Promise<string> {
  try {
    return await realpath(goClean(p));
  } catch (err) {
    throw fsError('lstat', goClean(p), err);
  }
}

/**
 * resolveHostSourcePath is go-archive's ResolveHostSourcePath: with -L the whole path is resolved (and the archive's
 * top entry renamed back to the requested name); without, only the parent directories are, so a symbolic link
 * given as the source is copied as a link.
 */
export async function resolveHostSourcePath(p: string, followLink: boolean): Promise<[resolved: string, rebaseName: string]> {
  if (followLink) return getRebaseName(p, await evalSymlinks(p));
  const slash = p.lastIndexOf('/');
  const dir = p.slice(0, slash + 1);
  const base = p.slice(slash + 1);
  const resolvedDir = await evalSymlinks(dir === '' ? '.' : dir);
  const resolved = `${resolvedDir === '/' ? '' : resolvedDir}/${base}`;
  const rebase = hasTrailingPathSeparator(p) && goBase(p) !== goBase(resolved) ? goBase(p) : '';
  return [resolved, rebase];
}

/** copyInfoSourcePath is go-archive's CopyInfoSourcePath: the source must exist (lstat, so a link is itself). */
export async function copyInfoSourcePath(p: string, followLink: boolean): Promise<CopyInfo> {
  const [resolved, rebaseName] = await resolveHostSourcePath(p, followLink);
  let st;
  try {
    st = await lstat(resolved);
  } catch (err) {
    throw fsError('lstat', resolved, err);
  }
  return { path: resolved, exists: true, isDir: st.isDirectory(), rebaseName };
}

type EntryType = 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';

function entryType(st: BigIntStats): EntryType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isFIFO()) return 'fifo';
  // compat: Go's tar cannot archive sockets; docker skips them.
  return undefined;
}

/** Linux's major/minor split of a device number (glibc's gnu_dev_major/minor). */
function devParts(rdev: bigint): { devmajor: number; devminor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { devmajor: Number(major), devminor: Number(minor) };
}

/** Archiver writes one tree into a tar-stream pack as go-archive's tarAppender does. */
class Archiver {
  readonly pack = tar.pack();
  readonly #seen = new Map<bigint, string>();

  async add(file: string, name: string): Promise<void> {
    const st = await lstat(file, { bigint: true });
    const type = entryType(st);
    if (type === undefined) return;
    const header: TarHeader = {
      name: type === 'directory' && !name.endsWith('/') ? `${name}/` : name,
      mode: Number(st.mode & 0o7777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
      // go-archive truncates times to whole seconds and leaves uname/gname empty.
      mtime: new Date(Number(st.mtimeMs / 1000n) * 1000),
      type,
      size: 0,
    };
    if (type === 'symlink') header.linkname = await readlink(file);
    if (type === 'character-device' || type === 'block-device') Object.assign(header, devParts(st.rdev));
    if (type !== 'directory' && st.nlink > 1n) {
      const first = this.#seen.get(st.ino);
      if (first !== undefined) {
        header.type = 'link';
        header.linkname = first;
      } else this.#seen.set(st.ino, name);
    }
    if (header.type !== 'file' || st.size === 0n) {
      await new Promise<void>((resolve, reject) => this.pack.entry(header, (err) => (err ? reject(err) : resolve())));
      return;
    }
    // Open before writing the header, so an unreadable file fails the copy instead of corrupting the archive.
    const fh = await open(file, 'r');
    header.size = Number(st.size);
    let entry;
    try {
      entry = this.pack.entry(header);
    } catch (err) {
      await fh.close();
      throw err;
    }
    await pipeline(fh.createReadStream({ start: 0, end: Number(st.size) - 1 }), entry);
  }

  /** walk adds `file` and, for a directory, everything below it in lexical order (Go's WalkDir), links not followed. */
  async walk(file: string, name: string): Promise<void> {
    await this.add(file, name);
    const st = await lstat(file);
    if (!st.isDirectory()) return;
    const children = (await readdir(file)).sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    for (const child of children) await this.walk(`${file}/${child}`, `${name === '.' ? '.' : name.replace(/\/$/, '')}/${child}`);
  }
}

/**
 * tarResource is go-archive's TarResource: a tar stream of the source (a file, a link, or a directory tree) whose
 * entries start with the source's base name (or `rebaseName`); a source ending in "/." gives `./` entries.
 */
export function tarResource(info: CopyInfo): Readable {
  const [dir, base] = splitPathDirEntry(info.path);
  const archiver = new Archiver();
  const root = base === '.' ? dir : `${dir === '/' ? '' : dir}/${base}`;
  const top = info.rebaseName !== '' ? (info.rebaseName === '/' ? '' : info.rebaseName) : base;
  archiver.walk(root, top).then(
    () => archiver.pack.finalize(),
    (err: unknown) => archiver.pack.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  // tar-stream's streamx Readable works with node:stream's pipeline and pipe; only its declared type differs.
  return archiver.pack as unknown as Readable;
}
