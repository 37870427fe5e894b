import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as createExtract, type Extract, type Header } from 'tar-stream';
import { WharfError, invalidArgument } from '../../common/errors.js';
import { closeFd, DirHandle, lstatOrMissing, openFd, type ContainerFs, type Resolved } from './container-path.js';
import { parsePaxXattrs, xattrAllowed } from './pax-xattrs.js';
import { FILE_TYPE, type SpecialFileOps } from './special-file-ops.js';

/** UntarOptions are `PUT /containers/{id}/archive`'s choices plus the host operations Node's fs lacks. */
export interface UntarOptions {
  /** mknod and lsetxattr (device nodes, FIFOs, extended attributes). */
  readonly ops: SpecialFileOps;
  /** Refuse to replace a directory with a non-directory or the reverse (Docker's noOverwriteDirNonDir). */
  readonly noOverwriteDirNonDir: boolean;
  /** Owner of every entry (`docker cp -a` with a container user); undefined keeps the archive's uid and gid. */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** The container's root filesystem is read-only (HostConfig.ReadonlyRootfs): only writable binds may be written. */
  readonly readOnlyRootfs: boolean;
  readonly signal?: AbortSignal;
}

/** Entry is one tar entry as tar-stream's extractor yields it: its header, and its data as a stream. */
type Entry = AsyncIterable<unknown> & { readonly header: Header };

/** UntarStats counts what an extraction wrote. */
export interface UntarStats {
  readonly entries: number;
  readonly bytes: number;
}

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = fs.constants;
/** O_PATH (Linux, generic value): a descriptor naming an inode without opening it, so devices are never opened. */
const O_PATH = 0o10000000;
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
const CACHE_SIZE = 64;
const RAW_XATTRS = Symbol('wharf.untarXattrs');
const DEVICE_BITS: Readonly<Record<string, number>> = {
  'character-device': FILE_TYPE.S_IFCHR,
  'block-device': FILE_TYPE.S_IFBLK,
  fifo: FILE_TYPE.S_IFIFO,
};

/** assertWritable refuses a directory on a read-only bind, or on a read-only root filesystem, in Docker's words. */
export function assertWritable(dir: Pick<DirHandle, 'bind'>, readOnlyRootfs: boolean): void {
  if (dir.bind !== undefined) {
    if (dir.bind.readOnly) throw new WharfError('PermissionDenied', 'WHARF_READ_ONLY_PATH', 'mounted volume is marked read-only');
  } else if (readOnlyRootfs) {
    throw new WharfError('PermissionDenied', 'WHARF_READ_ONLY_PATH', 'container rootfs is marked read-only');
  }
}

/**
 * untarInto extracts a tar stream (uncompressed) into the directory `dest` of a container view, as `docker cp`
 * does (moby's Untar in the container's root): names are taken relative to `dest` (a leading "/" dropped, a name
 * climbing above it is WHARF_ARCHIVE_BREAKOUT); missing parent directories are created (0755); an existing entry is
 * replaced, except a directory by a directory, which is merged; symlink targets are stored verbatim; hard links
 * must name an existing non-directory inside `dest`; devices and FIFOs are created (compat: Docker allows them);
 * owner, mode (setuid/setgid/sticky too), allowed xattrs and times are applied, directory times last.
 *
 * Safety: every parent is resolved in the container view (links followed inside the container only, never the
 * host) and every entry is created and changed relative to its parent's descriptor without following a final
 * symlink (O_NOFOLLOW, O_EXCL, lchown, O_PATH), so a running container racing the extraction cannot redirect a
 * write to the host. Parents on read-only binds, or on a read-only root filesystem, are refused
 * (PermissionDenied WHARF_READ_ONLY_PATH).
 */
export async function untarInto(cfs: ContainerFs, dest: Resolved, tar: Readable, opts: UntarOptions): Promise<UntarStats> {
  if (dest.name !== '.' || !dest.exists) throw new Error('untarInto: dest must be a resolved directory (name ".")');
  const ex = createExtract();
  keepRawPax(ex);
  let feedError: unknown;
  const feed = pipeline(tar, ex).catch((err: unknown) => {
    feedError = err;
  });
  const writer = new TreeWriter(cfs, dest, opts);
  try {
    for await (const entry of ex) {
      opts.signal?.throwIfAborted();
      await writer.entry(entry);
    }
    await feed;
    if (feedError !== undefined) throw feedError;
    await writer.finish();
    return writer.stats;
  } catch (err) {
    ex.destroy();
    tar.destroy();
    await feed;
    // Our refusals and failed system calls win; otherwise the parser's error says what is wrong with the archive
    // better than the destroyed entry stream it left behind.
    const ours = err instanceof WharfError || (err as NodeJS.ErrnoException).syscall !== undefined;
    throw asArchiveError(ours || feedError === undefined ? err : feedError);
  } finally {
    await writer.close();
  }
}

/** TreeWriter applies entries one at a time, keeping open descriptors of recently used directories. */
class TreeWriter {
  readonly #cfs: ContainerFs;
  readonly #dest: DirHandle;
  readonly #opts: UntarOptions;
  /** Open directories by path relative to dest ('' is dest), least recently used first. */
  readonly #dirs = new Map<string, DirHandle>();
  readonly #dirTimes: Array<{ rel: string; atime: number; mtime: number }> = [];
  #entries = 0;
  #bytes = 0;

  constructor(cfs: ContainerFs, dest: Resolved, opts: UntarOptions) {
    this.#cfs = cfs;
    this.#dest = dest.dir;
    this.#opts = opts;
    this.#dirs.set('', dest.dir);
  }

  get stats(): UntarStats {
    return { entries: this.#entries, bytes: this.#bytes };
  }

  async entry(entry: Entry): Promise<void> {
    // Handles are only closed between entries: an entry's own parent must stay open while it is written.
    await this.#trim();
    const h = entry.header;
    // tar-stream reports a type flag it does not know as null.
    const type: string = h.type === 'contiguous-file' ? 'file' : (h.type ?? 'unknown');
    if (type === 'pax-global-header') return drain(entry);
    const rel = entryName(h.name);
    if (rel === undefined) return drain(entry);
    this.#entries++;
    const parent = await this.#dir(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel), true);
    assertWritable(parent, this.#opts.readOnlyRootfs);
    const base = path.posix.basename(rel);
    await this.#clear(parent, base, rel, type === 'directory');
    const owner = this.#opts.owner ?? { uid: h.uid ?? 0, gid: h.gid ?? 0 };
    const mode = (h.mode ?? 0o644) & 0o7777;
    const mtime = (h.mtime?.getTime() ?? 0) / 1000;
    const xattrs = (h.pax as Record<symbol, unknown> | undefined)?.[RAW_XATTRS];
    const meta = { owner, mode, mtime, xattrs: xattrs instanceof Map ? (xattrs as Map<string, Buffer>) : undefined };
    switch (type) {
      case 'file':
        return this.#file(parent, base, entry, meta);
      case 'directory':
        await drain(entry);
        return this.#mkdir(parent, base, rel, meta);
      case 'symlink':
        await drain(entry);
        fs.symlinkSync(h.linkname ?? '', parent.path(base));
        fs.lchownSync(parent.path(base), owner.uid, owner.gid);
        this.#setXattrs(parent, base, meta.xattrs);
        return fs.lutimesSync(parent.path(base), mtime, mtime);
      case 'link':
        await drain(entry);
        return this.#hardlink(parent, base, h.name, h.linkname ?? '');
      default:
        await drain(entry);
        if (DEVICE_BITS[type] === undefined) throw invalidArgument('WHARF_INVALID_COPY_ARCHIVE', `unhandled tar header type ${type} for ${JSON.stringify(h.name)}`);
        return this.#special(parent, base, type, h.devmajor ?? 0, h.devminor ?? 0, meta);
    }
  }

  /** finish applies the recorded directory times, once nothing more is created in those directories. */
  async finish(): Promise<void> {
    for (const { rel, atime, mtime } of this.#dirTimes) {
      await this.#trim();
      const dir = await this.#dir(rel, false).catch(() => undefined);
      if (dir !== undefined) fs.futimesSync(dir.fd, atime, mtime);
    }
  }

  async close(): Promise<void> {
    for (const d of this.#dirs.values()) if (d !== this.#dest) await d.close();
    this.#dirs.clear();
  }

  async #file(parent: DirHandle, base: string, entry: Entry, meta: Meta): Promise<void> {
    // Synchronous calls: microseconds each on a local filesystem, where a thread-pool round trip per call made
    // trees of small files many times slower. The data arrives asynchronously anyway.
    const fd = fs.openSync(parent.path(base), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, meta.mode & 0o777);
    try {
      for await (const chunk of entry) {
        writeAll(fd, chunk as Buffer);
        this.#bytes += (chunk as Buffer).length;
      }
      // chmod after chown: chown clears setuid and setgid.
      fs.fchownSync(fd, meta.owner.uid, meta.owner.gid);
      fs.fchmodSync(fd, meta.mode);
      this.#setXattrs(parent, base, meta.xattrs);
      fs.futimesSync(fd, meta.mtime, meta.mtime);
    } finally {
      fs.closeSync(fd);
    }
  }

  async #mkdir(parent: DirHandle, base: string, rel: string, meta: Meta): Promise<void> {
    if (lstatSyncOrMissing(parent.path(base))?.isDirectory() !== true) fs.mkdirSync(parent.path(base), 0o700);
    const dir = await this.#dir(rel, false);
    // A directory entry at a bind mount's place changes the bind's root: the bind must be writable.
    assertWritable(dir, this.#opts.readOnlyRootfs);
    fs.fchownSync(dir.fd, meta.owner.uid, meta.owner.gid);
    fs.fchmodSync(dir.fd, meta.mode);
    this.#setXattrs(parent, base, meta.xattrs);
    this.#dirTimes.push({ rel, atime: meta.mtime, mtime: meta.mtime });
  }

  async #hardlink(parent: DirHandle, base: string, name: string, linkname: string): Promise<void> {
    const targetRel = entryName(linkname);
    if (targetRel === undefined) throw breakout(`invalid hardlink ${JSON.stringify(name)} -> ${JSON.stringify(linkname)}`);
    const target = await this.#cfs.resolve(`${this.#dest.containerPath}/${targetRel}`, { followFinal: false });
    try {
      if ((await fs.promises.lstat(target.dir.path(target.name))).isDirectory()) {
        throw invalidArgument('WHARF_INVALID_COPY_ARCHIVE', `hard link ${JSON.stringify(name)} to a directory ${JSON.stringify(linkname)}`);
      }
      await fs.promises.link(target.dir.path(target.name), parent.path(base));
    } finally {
      await target.close();
    }
  }

  async #special(parent: DirHandle, base: string, type: string, major: number, minor: number, meta: Meta): Promise<void> {
    const bits = DEVICE_BITS[type] as number;
    this.#opts.ops.mknod(parent.path(base), bits | (meta.mode & 0o777), major, minor);
    // O_PATH names the new node without opening the device; changes then go through /proc/self/fd/<fd>.
    const fd = fs.openSync(parent.path(base), O_PATH | O_NOFOLLOW);
    try {
      const st = fs.fstatSync(fd);
      if ((st.mode & FILE_TYPE.S_IFMT) !== bits) throw changed(parent.child(base));
      fs.chownSync(`/proc/self/fd/${fd}`, meta.owner.uid, meta.owner.gid);
      fs.chmodSync(`/proc/self/fd/${fd}`, meta.mode);
      this.#setXattrs(parent, base, meta.xattrs);
      fs.utimesSync(`/proc/self/fd/${fd}`, meta.mtime, meta.mtime);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** clear makes room for a new entry: compat: moby replaces whatever is there, except a directory by a directory. */
  async #clear(parent: DirHandle, base: string, rel: string, isDir: boolean): Promise<void> {
    const st = lstatSyncOrMissing(parent.path(base));
    if (st === undefined) return;
    if (this.#opts.noOverwriteDirNonDir && st.isDirectory() && !isDir) {
      throw invalidArgument('WHARF_ARCHIVE_OVERWRITE', `cannot overwrite directory ${JSON.stringify(rel)} with non-directory ${JSON.stringify(this.#dest.containerPath)}`);
    }
    if (this.#opts.noOverwriteDirNonDir && !st.isDirectory() && isDir) {
      throw invalidArgument('WHARF_ARCHIVE_OVERWRITE', `cannot overwrite non-directory ${JSON.stringify(rel)} with directory ${JSON.stringify(this.#dest.containerPath)}`);
    }
    if (st.isDirectory() && isDir) return;
    if (this.#cfs.bindAt(parent.child(base)) !== undefined) {
      // compat: Docker's RemoveAll of a mount point fails the same way.
      throw new WharfError('Conflict', 'WHARF_PATH_BUSY', `unlinkat ${parent.child(base)}: device or resource busy`);
    }
    await this.#forget(rel);
    await removeTree(parent, base);
  }

  /**
   * dir returns the open directory `rel` below dest, creating missing ones when `create` is set. Plain directories
   * are walked from the nearest open ancestor; a symlink or a bind mount on the way hands the whole path to the
   * container view's resolver, which follows them inside the container.
   */
  async #dir(rel: string, create: boolean): Promise<DirHandle> {
    const cached = this.#dirs.get(rel);
    if (cached !== undefined) {
      this.#dirs.delete(rel);
      this.#dirs.set(rel, cached);
      return cached;
    }
    const parentRel = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    const parent = await this.#dir(parentRel, create);
    const name = rel.slice(parentRel === '' ? 0 : parentRel.length + 1);
    let st = lstatSyncOrMissing(parent.path(name));
    if (st === undefined && create && this.#cfs.bindAt(parent.child(name)) === undefined) {
      assertWritable(parent, this.#opts.readOnlyRootfs);
      fs.mkdirSync(parent.path(name), 0o755);
      st = lstatSyncOrMissing(parent.path(name));
    }
    let dir: DirHandle;
    if (st?.isDirectory() === true && this.#cfs.bindAt(parent.child(name)) === undefined) {
      let fd: number;
      try {
        fd = fs.openSync(parent.path(name), DIR_FLAGS);
      } catch (err) {
        throw (err as NodeJS.ErrnoException).code === 'ELOOP' ? changed(parent.child(name)) : err;
      }
      dir = new DirHandle(fd, parent.child(name), parent.bind);
    } else {
      const r = await this.#cfs.resolve(parent.child(name), { followFinal: true, create });
      if (r.name !== '.') {
        await r.close();
        throw invalidArgument('WHARF_NOT_A_DIRECTORY', `not a directory: ${r.containerPath}`);
      }
      dir = r.dir === this.#cfs.root ? await reopen(r.dir) : r.dir;
    }
    this.#remember(rel, dir);
    return dir;
  }

  #remember(rel: string, dir: DirHandle): void {
    this.#dirs.set(rel, dir);
  }

  /** trim closes the least recently used directories beyond CACHE_SIZE (never dest). */
  async #trim(): Promise<void> {
    while (this.#dirs.size > CACHE_SIZE) {
      const [oldRel, old] = this.#dirs.entries().next().value as [string, DirHandle];
      if (oldRel === '') {
        this.#dirs.delete(oldRel);
        this.#dirs.set(oldRel, old);
        continue;
      }
      this.#dirs.delete(oldRel);
      await old.close();
    }
  }

  /** forget drops cached directories at or below `rel` (about to be replaced). */
  async #forget(rel: string): Promise<void> {
    for (const [key, dir] of [...this.#dirs]) {
      if (key !== '' && (key === rel || key.startsWith(`${rel}/`))) {
        this.#dirs.delete(key);
        await dir.close();
      }
    }
  }

  #setXattrs(parent: DirHandle, base: string, xattrs: ReadonlyMap<string, Buffer> | undefined): void {
    for (const [name, value] of xattrs ?? []) {
      if (!xattrAllowed(name)) continue;
      try {
        this.#opts.ops.lsetxattr(parent.path(base), name, value);
      } catch (err) {
        // compat: moby ignores EPERM (and ENOTSUP on filesystems without xattrs) when applying archive xattrs.
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
      }
    }
  }
}

interface Meta {
  readonly owner: { readonly uid: number; readonly gid: number };
  readonly mode: number;
  readonly mtime: number;
  readonly xattrs: ReadonlyMap<string, Buffer> | undefined;
}

/**
 * entryName cleans a tar entry name relative to the extraction directory, as moby's Unpack: a leading "/" is
 * dropped and the name cleaned; "." (the directory itself) is undefined; a name that climbs above it is a breakout.
 */
export function entryName(name: string): string | undefined {
  if (name.includes('\0')) throw breakout(`invalid entry name ${JSON.stringify(name)}`);
  const clean = path.posix.normalize(name.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (clean === '.' || clean === '') return undefined;
  if (clean === '..' || clean.startsWith('../')) throw breakout(`invalid entry name ${JSON.stringify(name)}`);
  return clean;
}

/** removeTree deletes entry `name` of `dir` and, for a directory, all it holds, never following a symlink. */
export async function removeTree(dir: DirHandle, name: string): Promise<void> {
  const st = await lstatOrMissing(dir.path(name));
  if (st === undefined) return;
  if (!st.isDirectory()) return fs.promises.unlink(dir.path(name));
  const fd = await openFd(dir.path(name), DIR_FLAGS);
  try {
    const sub = new DirHandle(fd, dir.child(name), dir.bind);
    for (const child of await fs.promises.readdir(`/proc/self/fd/${fd}`)) await removeTree(sub, child);
  } finally {
    await closeFd(fd);
  }
  await fs.promises.rmdir(dir.path(name));
}

async function reopen(dir: DirHandle): Promise<DirHandle> {
  const fd = await openFd(dir.path('.'), DIR_FLAGS);
  return new DirHandle(fd, dir.containerPath, dir.bind);
}

function breakout(message: string): WharfError {
  return invalidArgument('WHARF_ARCHIVE_BREAKOUT', message);
}

function changed(containerPath: string): WharfError {
  return new WharfError('Conflict', 'WHARF_PATH_CHANGED', `${containerPath} changed in the container while the archive was extracted`);
}

/** asArchiveError turns tar-stream's parse failures into InvalidArgument; wharf and system errors pass through. */
function asArchiveError(err: unknown): unknown {
  if (err instanceof WharfError || (err as NodeJS.ErrnoException).syscall !== undefined) return err;
  return invalidArgument('WHARF_INVALID_COPY_ARCHIVE', `invalid tar archive: ${err instanceof Error ? err.message : String(err)}`, err);
}

async function drain(entry: Entry): Promise<void> {
  for await (const _chunk of entry) {
    // data of entries without content is read and dropped
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  for (let off = 0; off < chunk.length; ) off += fs.writeSync(fd, chunk, off, chunk.length - off);
}

function lstatSyncOrMissing(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

interface ExtractInternals {
  _header: { type?: string | null } | null;
  _pax: Record<string | symbol, unknown> | null;
  _decodeLongHeader(buf: Buffer): void;
}

/**
 * keepRawPax has tar-stream also keep each PAX header's xattrs as raw bytes (it decodes PAX values as UTF-8, which
 * corrupts binary ones such as security.capability); the same technique as tar-extract.ts's, which is private there.
 */
function keepRawPax(ex: Extract): void {
  const internals = ex as unknown as ExtractInternals;
  const decode = internals._decodeLongHeader;
  if (typeof decode !== 'function') throw new Error('tar-stream internals changed: _decodeLongHeader is missing');
  internals._decodeLongHeader = function decodeWithRawXattrs(this: ExtractInternals, buf: Buffer): void {
    decode.call(this, buf);
    if (this._header?.type === 'pax-header' && this._pax !== null) this._pax[RAW_XATTRS] = parsePaxXattrs(buf);
  };
}
