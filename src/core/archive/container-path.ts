import fs from 'node:fs';
import path from 'node:path';
import { WharfError, invalidArgument, notFound } from '../../common/errors.js';

/**
 * MAX_LINKS bounds the symbolic links one resolution follows (compat: moby's FollowSymlinkInScope allows 255; the
 * kernel's 40 would refuse paths Docker accepts).
 */
export const MAX_LINKS = 255;

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;

/** RootBind is a bind mount of a container as the path resolver sees it: a host source shown at a container path. */
export interface RootBind {
  /** Absolute, clean container path (never "/"); symlinks in it are resolved by ContainerFs.open, as runc does. */
  readonly destination: string;
  /** Absolute host path of the source, a directory or a file; trusted (the operator chose it), so it may be followed. */
  readonly source: string;
  readonly readOnly: boolean;
}

/** ContainerRoot names a container's root filesystem as mounted on the host, and the bind mounts shown in it. */
export interface ContainerRoot {
  /** Host path of the merged root filesystem (the overlay mount point). */
  readonly rootfs: string;
  /** Bind mounts in the order the runtime mounts them (a later one shadows an earlier one at the same place). */
  readonly binds: readonly RootBind[];
}

/**
 * DirHandle is an open directory inside a container's view: every operation on an entry of it goes through
 * `at(name)`, `/proc/self/fd/<fd>/<name>`, which the kernel resolves from this very directory, so no rename or
 * symlink swapped in by the container can redirect it (the openat idea, with Node's path-based fs).
 */
export class DirHandle {
  readonly fd: number;
  /** containerPath is the directory's resolved path in the container ("/" for the root). */
  readonly containerPath: string;
  /** bind is the bind mount this directory lies in; undefined for the container's own root filesystem. */
  readonly bind: RootBind | undefined;

  constructor(fd: number, containerPath: string, bind: RootBind | undefined) {
    this.fd = fd;
    this.containerPath = containerPath;
    this.bind = bind;
  }

  /** at is the path of entry `name` of this directory ("." is the directory itself); nothing before it is re-resolved. */
  at(name: string | Buffer): string | Buffer {
    return typeof name === 'string' ? `/proc/self/fd/${this.fd}/${name}` : Buffer.concat([Buffer.from(`/proc/self/fd/${this.fd}/`), name]);
  }

  /** path is `at(name)` for string names. */
  path(name: string): string {
    return `/proc/self/fd/${this.fd}/${name}`;
  }

  /** child is the container path of entry `name`. */
  child(name: string): string {
    if (name === '.') return this.containerPath;
    return this.containerPath === '/' ? `/${name}` : `${this.containerPath}/${name}`;
  }

  close(): Promise<void> {
    return closeFd(this.fd);
  }
}

/**
 * Resolved is where a container path leads: entry `name` of the open directory `dir` (name "." when the path is a
 * directory reached itself: the root, a bind mount's root, a followed final directory). The caller closes it.
 */
export interface Resolved {
  readonly dir: DirHandle;
  readonly name: string;
  /** containerPath is the resolved path in the container: symlinks followed as far as the options said. */
  readonly containerPath: string;
  /** exists is false when the final component does not exist (only with `allowMissingFinal` or `allowMissing`). */
  readonly exists: boolean;
  /** bind is the bind mount the result lies in, if any. */
  readonly bind: RootBind | undefined;
  /** close releases `dir` (unless it is the view's root, which ContainerFs.close releases). */
  close(): Promise<void>;
}

/** ResolveOptions say how the final component and missing components are treated. */
export interface ResolveOptions {
  /**
   * Follow a symlink in the final component (stat vs lstat). A trailing "/" or "/." always follows, and then the
   * result must be a directory (WHARF_NOT_A_DIRECTORY otherwise), as the kernel treats such paths.
   */
  readonly followFinal: boolean;
  /** A missing final component is no error (`exists: false`): the place where something will be created. */
  readonly allowMissingFinal?: boolean;
  /**
   * A missing component anywhere is no error: the rest is appended lexically to `containerPath` and `exists` is
   * false (moby's FollowSymlinkInScope, for a dangling link's target).
   */
  readonly allowMissing?: boolean;
  /** Create missing directories (mode 0755, owned by the daemon's user) along the way, final component included. */
  readonly create?: boolean;
}

/**
 * ContainerFs is a view of a container's file tree as a process inside it would see it, for the daemon's file
 * operations (`docker cp`, stat, commit, export). Paths are resolved as if chrooted at the root (the
 * CVE-2018-15664 class): every symlink is resolved relative to the container's root ("/"-absolute targets start
 * from the root, `..` never climbs above it), at most MAX_LINKS links are followed, and bind mounts are crossed into
 * their host sources (a path inside one resolves there, `..` at its root returns to the mount point's parent, and
 * an absolute link inside it starts again from the container's root). Directories are opened one by one with
 * O_NOFOLLOW and every later operation goes through the open descriptor, so a container swapping a directory for
 * a symlink while this runs can at worst make the operation fail, never reach the host.
 *
 * ```ts
 * const cfs = await ContainerFs.open({ rootfs, binds });
 * try {
 *   const r = await cfs.resolve('/etc/passwd', { followFinal: false });
 *   try { console.log(await fs.promises.lstat(r.dir.path(r.name))); } finally { await r.close(); }
 * } finally { await cfs.close(); }
 * ```
 */
export class ContainerFs {
  readonly #root: DirHandle;
  /** Binds with destinations resolved in the container, the later first (they shadow the earlier ones). */
  #binds: RootBind[] = [];

  private constructor(root: DirHandle) {
    this.#root = root;
  }

  /** open opens the root and resolves each bind's destination in the container, in mount order, as runc does. */
  static async open(root: ContainerRoot): Promise<ContainerFs> {
    const fd = await openFd(root.rootfs, DIR_FLAGS);
    const cfs = new ContainerFs(new DirHandle(fd, '/', undefined));
    try {
      for (const bind of root.binds) {
        const r = await cfs.resolve(bind.destination, { followFinal: true, allowMissing: true });
        await r.close();
        cfs.#binds = [{ ...bind, destination: r.containerPath }, ...cfs.#binds];
      }
    } catch (err) {
      await cfs.close();
      throw err;
    }
    return cfs;
  }

  /** root is the open root directory (owned by this view: do not close it). */
  get root(): DirHandle {
    return this.#root;
  }

  /** bindAt returns the bind mount whose destination is exactly `containerPath`, if any. */
  bindAt(containerPath: string): RootBind | undefined {
    return this.#binds.find((b) => b.destination === containerPath);
  }

  /** bindsUnder returns the binds below `containerPath` (for walks that must cross them), shadowing ones first. */
  bindsUnder(containerPath: string): readonly RootBind[] {
    const prefix = containerPath === '/' ? '/' : `${containerPath}/`;
    return this.#binds.filter((b) => b.destination.startsWith(prefix));
  }

  /** close closes the root; resolved handles must be closed by their owners. */
  close(): Promise<void> {
    return this.#root.close();
  }

  /**
   * resolve walks `userPath` (taken as absolute in the container) and returns the directory holding the final
   * component, open, plus the final name. Errors: NotFound WHARF_NO_SUCH_PATH (a missing component),
   * InvalidArgument WHARF_NOT_A_DIRECTORY (a non-directory used as one) or WHARF_SYMLINK_LOOP.
   */
  async resolve(userPath: string, opts: ResolveOptions): Promise<Resolved> {
    const trailing = /(^|\/)\.?$/.test(userPath) || userPath.endsWith('/');
    const walk = new Walk(this, userPath, { ...opts, followFinal: opts.followFinal || trailing }, trailing && userPath.replace(/[/.]/g, '') !== '');
    return walk.run();
  }
}

/** Walk is one resolution: a stack of open directories from the root to where the path has got so far. */
class Walk {
  readonly #cfs: ContainerFs;
  readonly #userPath: string;
  readonly #opts: ResolveOptions;
  readonly #stack: DirHandle[];
  /** Components still to walk, the next one last. */
  readonly #pending: string[];
  /** The path ends with "/" or "/.": what it leads to must be a directory. */
  readonly #mustBeDir: boolean;
  #links = 0;

  constructor(cfs: ContainerFs, userPath: string, opts: ResolveOptions, mustBeDir: boolean) {
    this.#cfs = cfs;
    this.#userPath = userPath;
    this.#opts = opts;
    this.#mustBeDir = mustBeDir;
    this.#stack = [cfs.root];
    this.#pending = userPath.split('/').reverse();
  }

  async run(): Promise<Resolved> {
    try {
      const result = await this.#loop();
      // Everything below the result's directory is no longer needed.
      for (const d of this.#stack) if (d !== result.dir && d !== this.#cfs.root) await d.close();
      return result;
    } catch (err) {
      for (const d of this.#stack) if (d !== this.#cfs.root) await d.close();
      throw err;
    }
  }

  get #top(): DirHandle {
    return this.#stack[this.#stack.length - 1] as DirHandle;
  }

  /** isLast: no component that moves anywhere ('' and '.' do not) is left after the current one. */
  #isLast(): boolean {
    return this.#pending.every((p) => p === '' || p === '.');
  }

  async #loop(): Promise<Resolved> {
    while (this.#pending.length > 0) {
      const part = this.#pending.pop() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (this.#stack.length > 1) await (this.#stack.pop() as DirHandle).close();
        continue;
      }
      const done = await this.#step(part, this.#isLast());
      if (done !== undefined) return done;
    }
    return this.#here(this.#top, '.', true);
  }

  /** step moves into `part`, or returns the result when the walk ends there. */
  async #step(part: string, last: boolean): Promise<Resolved | undefined> {
    const top = this.#top;
    const bind = this.#cfs.bindAt(top.child(part));
    if (bind !== undefined) return this.#enterBind(bind, top.child(part), last);
    if (last && !this.#opts.followFinal) return this.#finalEntry(top, part);
    let st = await lstatOrMissing(top.path(part));
    if (st === undefined && this.#opts.create === true) {
      await mkdirOk(top.path(part));
      st = await lstatOrMissing(top.path(part));
    }
    if (st === undefined) return this.#missing(top, part, last);
    if (st.isSymbolicLink()) {
      await this.#follow(top, part);
      return undefined;
    }
    if (st.isDirectory()) {
      const fd = await this.#openDir(top.path(part), top.child(part));
      this.#stack.push(new DirHandle(fd, top.child(part), top.bind));
      return last ? this.#here(this.#top, '.', true) : undefined;
    }
    if (!last || this.#mustBeDir) throw notADirectory(top.child(part));
    return this.#here(top, part, true);
  }

  async #finalEntry(top: DirHandle, part: string): Promise<Resolved> {
    const st = await lstatOrMissing(top.path(part));
    if (st === undefined && this.#opts.allowMissingFinal !== true && this.#opts.allowMissing !== true) throw noSuchPath(top.child(part));
    return this.#here(top, part, st !== undefined);
  }

  async #missing(top: DirHandle, part: string, last: boolean): Promise<Resolved> {
    if (this.#opts.allowMissing === true) {
      const rest = [part, ...[...this.#pending].reverse()].join('/');
      return this.#result(top, part, path.posix.resolve(top.containerPath, rest), false);
    }
    if (last && this.#opts.allowMissingFinal === true) return this.#here(top, part, false);
    throw noSuchPath(top.child(part));
  }

  async #follow(top: DirHandle, part: string): Promise<void> {
    if (++this.#links > MAX_LINKS) {
      throw invalidArgument('WHARF_SYMLINK_LOOP', `too many levels of symbolic links resolving ${this.#userPath} in the container`);
    }
    const target = await fs.promises.readlink(top.path(part));
    if (target.startsWith('/')) {
      // An absolute link starts again from the container's root, even inside a bind mount (as in the container).
      while (this.#stack.length > 1) await (this.#stack.pop() as DirHandle).close();
    }
    this.#pending.push(...target.split('/').reverse());
  }

  async #enterBind(bind: RootBind, containerPath: string, last: boolean): Promise<Resolved | undefined> {
    const st = await fs.promises.stat(bind.source);
    if (st.isDirectory()) {
      this.#stack.push(new DirHandle(await openFd(bind.source, O_RDONLY | O_DIRECTORY), containerPath, bind));
      return last ? this.#here(this.#top, '.', true) : undefined;
    }
    if (!last || this.#mustBeDir) throw notADirectory(containerPath);
    // A file bind mount: the host file stands at the mount point; its own directory is trusted host ground.
    const dir = new DirHandle(await openFd(path.dirname(bind.source), O_RDONLY | O_DIRECTORY), path.posix.dirname(containerPath), bind);
    this.#stack.push(dir);
    return this.#result(dir, path.basename(bind.source), containerPath, true);
  }

  async #openDir(p: string, containerPath: string): Promise<number> {
    try {
      return await openFd(p, DIR_FLAGS);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // The entry was a directory a moment ago: the container replaced it while we looked.
      if (code === 'ELOOP' || code === 'ENOTDIR' || code === 'ENOENT') {
        throw new WharfError('Conflict', 'WHARF_PATH_CHANGED', `${containerPath} changed in the container while it was being resolved`, { cause: err });
      }
      throw err;
    }
  }

  #here(dir: DirHandle, name: string, exists: boolean): Resolved {
    return this.#result(dir, name, dir.child(name), exists);
  }

  #result(dir: DirHandle, name: string, containerPath: string, exists: boolean): Resolved {
    const root = this.#cfs.root;
    return { dir, name, containerPath, exists, bind: dir.bind, close: async () => (dir === root ? undefined : dir.close()) };
  }
}

/** noSuchPath is NotFound for a container path; services reword it as Docker does for their operation. */
export function noSuchPath(containerPath: string): WharfError {
  return notFound('WHARF_NO_SUCH_PATH', `no such file or directory: ${containerPath}`);
}

function notADirectory(containerPath: string): WharfError {
  return invalidArgument('WHARF_NOT_A_DIRECTORY', `not a directory: ${containerPath}`);
}

/** openFd opens a path and returns the raw descriptor (fs.promises only hands out FileHandles). */
export function openFd(p: string | Buffer, flags: number, mode = 0o666): Promise<number> {
  return new Promise((resolve, reject) => fs.open(p, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd))));
}

/** closeFd closes a raw descriptor. */
export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
}

/** lstatOrMissing is lstat, undefined for ENOENT. */
export async function lstatOrMissing(p: string | Buffer): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function mkdirOk(p: string): Promise<void> {
  try {
    await fs.promises.mkdir(p, 0o755);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
