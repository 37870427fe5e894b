import { constants, type Stats } from 'node:fs';
import { chmod, link, lstat, lutimes, mkdir, open, readlink, realpath, rm, stat, symlink, utimes } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';

/** TarHeader is a tar-stream header as pack() takes it (only the name is required). */
type TarHeader = Partial<Header> & Pick<Header, 'name'>;
import { WharfError } from '../../common/errors.js';
import { prepareArchiveCopy, CP_ERRORS } from './archive-copy.js';
import { goClean, goJoin, goPathError, splitPathDirEntry, type CopyInfo } from './cp-paths.js';

// The local side of `wharf cp CONTAINER:SRC DST`: go-archive's CopyInfoDestinationPath, CopyTo and Untar. The
// archive comes from the daemon and is treated as hostile: no entry lands outside the destination, nothing is
// written through a symbolic link below it, links whose targets leave it are refused (docker's breakout checks).

const MAX_SYMLINK_HOPS = 10;
const TYPE_FLAGS: Readonly<Record<string, number>> = { 'contiguous-file': 55 };

function localError(message: string, cause?: unknown): WharfError {
  return new WharfError('InvalidArgument', 'WHARF_CP_LOCAL_PATH', message, { cause });
}

function breakout(message: string): WharfError {
  return new WharfError('PermissionDenied', 'WHARF_CP_BREAKOUT', message);
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw localError(goPathError('lstat', p, err), err);
  }
}

/**
 * copyInfoDestinationPath is go-archive's CopyInfoDestinationPath: the destination named by the user (its own
 * symbolic links are followed, at most 10), which need not exist as long as its parent directory does.
 */
export async function copyInfoDestinationPath(p: string): Promise<CopyInfo> {
  let current = p;
  let st = await lstatOrUndefined(current);
  for (let hops = 0; st?.isSymbolicLink(); hops++) {
    if (hops > MAX_SYMLINK_HOPS) throw localError(`too many symlinks in ${p}`);
    const target = await readlink(current);
    current = target.startsWith('/') ? target : goJoin(splitPathDirEntry(current)[0], target);
    st = await lstatOrUndefined(current);
  }
  if (st) return { path: current, exists: true, isDir: st.isDirectory(), rebaseName: '' };
  const [parent] = splitPathDirEntry(current);
  let parentSt;
  try {
    parentSt = await stat(parent);
  } catch (err) {
    throw localError(goPathError('stat', parent, err), err);
  }
  if (!parentSt.isDirectory()) throw localError(CP_ERRORS.notDirectory);
  return { path: current, exists: false, isDir: false, rebaseName: '' };
}

/** within tells whether `p` is `root` or below it (both clean and absolute). */
function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root === '/' ? '/' : `${root}/`);
}

/** Extractor is go-archive's Unpack with NoLchown and NoOverwriteDirNonDir, confined to its root. */
class Extractor {
  readonly #root: string;
  readonly #warn: (message: string) => void;
  readonly #dirs: { path: string; mtime: Date }[] = [];

  constructor(root: string, warn: (message: string) => void) {
    this.#root = root;
    this.#warn = warn;
  }

  /**
   * parentOf makes sure every directory between the root and `rel`'s parent is a real directory, creating missing
   * ones (tar's implied directories, mode 0755). A symbolic link on the way is refused: following it could write
   * outside the destination.
   */
  async #parentOf(rel: string, create = true): Promise<void> {
    const parts = rel.split('/').slice(0, -1);
    let cur = this.#root;
    for (const part of parts) {
      cur = cur === '/' ? `/${part}` : `${cur}/${part}`;
      const st = await lstatOrUndefined(cur);
      if (!st && !create) return;
      if (!st) await mkdir(cur, 0o755);
      else if (st.isSymbolicLink()) throw breakout(`cannot extract ${JSON.stringify(rel)}: ${JSON.stringify(cur)} is a symbolic link`);
      else if (!st.isDirectory()) throw localError(goPathError('mkdir', cur, Object.assign(new Error(), { code: 'ENOTDIR' })));
    }
  }

  async entry(header: TarHeader, body: Readable): Promise<void> {
    const rel = goClean(header.name);
    const target = goJoin(this.#root, rel);
    if (rel === '..' || rel.startsWith('../') || !within(this.#root, target)) {
      throw breakout(`${JSON.stringify(header.name)} is outside of ${JSON.stringify(this.#root)}`);
    }
    if (target !== this.#root) await this.#parentOf(goClean(target.slice(this.#root.length + (this.#root === '/' ? 0 : 1))));
    const isDir = header.type === 'directory';
    const existing = await lstatOrUndefined(target);
    if (existing) {
      if (existing.isDirectory() && !isDir) throw localError(`cannot overwrite directory ${JSON.stringify(target)} with non-directory ${JSON.stringify(this.#root)}`);
      if (!existing.isDirectory() && isDir) throw localError(`cannot overwrite non-directory ${JSON.stringify(target)} with directory ${JSON.stringify(this.#root)}`);
      if (existing.isDirectory() && rel === '.') return;
      if (!isDir) await rm(target, { recursive: true, force: true });
    }
    await this.#create(target, header, body, existing?.isDirectory() === true);
  }

  async #create(target: string, h: TarHeader, body: Readable, dirExists: boolean): Promise<void> {
    const mode = (h.mode ?? 0o644) & 0o7777;
    const mtime = h.mtime ?? new Date(0);
    switch (h.type) {
      case 'directory':
        if (!dirExists) await mkdir(target, mode);
        await chmod(target, mode);
        this.#dirs.push({ path: target, mtime });
        return;
      case 'file': {
        // O_NOFOLLOW|O_EXCL: the path was just cleared, so anything there now (a link in particular) is refused.
        const fh = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
        await pipeline(body, fh.createWriteStream());
        await chmod(target, mode);
        await utimes(target, mtime, mtime);
        return;
      }
      case 'symlink':
        return this.#symlink(target, h.linkname ?? '', mtime);
      case 'link':
        return this.#hardlink(target, h.linkname ?? '', mode, mtime);
      case 'character-device':
      case 'block-device':
      case 'fifo':
        // Node cannot mknod; the daemon's side (docker cp into a container) is where device nodes matter.
        this.#warn(`skipping ${h.type} ${JSON.stringify(h.name)}: device nodes and FIFOs are not created by wharf cp`);
        return;
      default:
        // compat: Go's archive/tar reports the type flag's byte ('7' for a contiguous file is 55).
        throw localError(`unhandled tar header type ${TYPE_FLAGS[h.type ?? ''] ?? JSON.stringify(h.type)}`);
    }
  }

  async #symlink(target: string, linkname: string, mtime: Date): Promise<void> {
    const resolved = goJoin(splitPathDirEntry(target)[0], linkname);
    if (!within(this.#root, resolved)) throw breakout(`invalid symlink ${JSON.stringify(target)} -> ${JSON.stringify(linkname)}`);
    await symlink(linkname, target);
    await lutimes(target, mtime, mtime);
  }

  async #hardlink(target: string, linkname: string, mode: number, mtime: Date): Promise<void> {
    const rel = goClean(linkname);
    const source = goJoin(this.#root, rel);
    if (rel === '..' || rel.startsWith('../') || !within(this.#root, source)) {
      throw breakout(`invalid hardlink ${JSON.stringify(source)} -> ${JSON.stringify(linkname)}`);
    }
    await this.#parentOf(goClean(source.slice(this.#root.length + (this.#root === '/' ? 0 : 1))), false);
    const st = await lstat(source);
    if (st.isDirectory()) throw localError(goPathError('link', source, Object.assign(new Error(), { code: 'EPERM' })));
    // link(2) does not follow a symbolic link source: linking one links the link, never its target.
    await link(source, target);
    if (!st.isSymbolicLink()) {
      await chmod(target, mode);
      await utimes(target, mtime, mtime);
    }
  }

  /** finish sets directory times last, as go-archive does (creating entries changes them). */
  async finish(): Promise<void> {
    for (const d of this.#dirs) await utimes(d.path, d.mtime, d.mtime);
  }
}

/** untar extracts a tar stream into `dest` (which must exist) under the rules of Extractor. */
export async function untar(content: Readable, dest: string, warn: (message: string) => void): Promise<void> {
  const root = await realpath(dest);
  const ex = new Extractor(root, warn);
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    // tar-stream's streamx streams work with node:stream's pipeline; only their declared types differ.
    ex.entry(header, stream as unknown as Readable).then(
      () => {
        stream.resume();
        next();
      },
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
  });
  await pipeline(content, extract);
  await ex.finish();
}

/**
 * copyTo is go-archive's CopyTo: extract an archive of `srcInfo` so that `dstPath` becomes the copy (into an
 * existing directory, or as the new name). Warnings (skipped device nodes) go to `stderr`.
 */
export async function copyTo(content: Readable, srcInfo: CopyInfo, dstPath: string, stderr: Writable): Promise<void> {
  const dstInfo = await copyInfoDestinationPath(dstPath);
  const { dstDir, content: prepared } = prepareArchiveCopy(content, srcInfo, dstInfo);
  await untar(prepared, dstDir, (m) => stderr.write(`WARNING: ${m}\n`));
}
