import fs from 'node:fs';
import { closeFd, openFd } from '../../core/archive/container-path.js';
import type { XattrReader } from '../../core/archive/tar-writer.js';

/** ChangeKind is Docker's kind of a filesystem change: 0 modified, 1 added, 2 deleted. */
export type ChangeKind = 0 | 1 | 2;

/** Change is one entry of `GET /containers/{id}/changes`; `path` is absolute in the container. */
export interface Change {
  readonly path: string;
  readonly kind: ChangeKind;
}

const OPAQUE = 'trusted.overlay.opaque';
const S_IFMT = 0o170000n;
const S_IFCHR = 0o020000n;
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;

/** isWhiteout tells an overlayfs whiteout: a character device 0:0. */
export function isWhiteout(st: fs.BigIntStats): boolean {
  return (st.mode & S_IFMT) === S_IFCHR && st.rdev === 0n;
}

function lstatOrUndefined(p: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(p, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/**
 * LowerView answers what a container's image layers (the overlay's lower directories, top-most first) show at a
 * path, merged as overlayfs merges them: a whiteout deletes the name in the layers below, a non-directory hides
 * everything below it, an opaque directory hides the same directory of the layers below. Layers are the daemon's
 * immutable snapshots; every component is lstat-ed, so a symlink in a layer is never followed. Which layers hold
 * a directory is remembered, so a lookup costs one lstat per contributing layer.
 */
export class LowerView {
  readonly #xattrs: XattrReader;
  /** For each directory looked at: its host directories in the layers that contribute to it, top-most first. */
  readonly #dirs = new Map<string, readonly string[]>();

  constructor(lowers: readonly string[], xattrs: XattrReader) {
    this.#xattrs = xattrs;
    this.#dirs.set('', lowers);
  }

  /** lstat returns the merged entry at `rel` ("a/b"), or undefined when the image does not have it. */
  async lstat(rel: string): Promise<fs.BigIntStats | undefined> {
    const slash = rel.lastIndexOf('/');
    const name = rel.slice(slash + 1);
    for (const dir of this.#dirsOf(slash < 0 ? '' : rel.slice(0, slash))) {
      const st = lstatOrUndefined(`${dir}/${name}`);
      if (st !== undefined) return isWhiteout(st) ? undefined : st;
    }
    return undefined;
  }

  /** children lists the names the image shows in directory `rel`. */
  async children(rel: string): Promise<Set<string>> {
    const seen = new Set<string>();
    const shown = new Set<string>();
    for (const dir of this.#dirsOf(rel)) {
      for (const name of fs.readdirSync(dir)) {
        if (seen.has(name)) continue;
        seen.add(name);
        const st = lstatOrUndefined(`${dir}/${name}`);
        if (st !== undefined && !isWhiteout(st)) shown.add(name);
      }
    }
    return shown;
  }

  /** dirsOf returns the host directories that make up directory `rel`, top-most first ([] when there is none). */
  #dirsOf(rel: string): readonly string[] {
    const known = this.#dirs.get(rel);
    if (known !== undefined) return known;
    const slash = rel.lastIndexOf('/');
    const name = rel.slice(slash + 1);
    const out: string[] = [];
    for (const parent of this.#dirsOf(slash < 0 ? '' : rel.slice(0, slash))) {
      const p = `${parent}/${name}`;
      const st = lstatOrUndefined(p);
      if (st === undefined) continue;
      // A whiteout or a non-directory ends the directory here; an opaque one hides the layers below it.
      if (!st.isDirectory()) break;
      out.push(p);
      if (this.#opaque(p)) break;
    }
    this.#dirs.set(rel, out);
    return out;
  }

  #opaque(p: string): boolean {
    const v = this.#xattrs.lgetxattr(p, OPAQUE);
    return v !== undefined && v.length === 1 && v[0] === 0x79;
  }
}

/**
 * statDifferent is moby's test for a changed entry (changes_unix.go): type and permission bits, owner, device
 * number, and, for non-directories, size and modification time (equal, or the same second with one side lacking
 * nanoseconds, as tar round-trips leave them).
 */
export function statDifferent(a: fs.BigIntStats, b: fs.BigIntStats): boolean {
  if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid || a.rdev !== b.rdev) return true;
  if (a.isDirectory()) return false;
  return a.size !== b.size || !sameFsTime(a.mtimeNs, b.mtimeNs);
}

function sameFsTime(a: bigint, b: bigint): boolean {
  const sec = 1_000_000_000n;
  return a === b || (a / sec === b / sec && (a % sec === 0n || b % sec === 0n));
}

/** DiffOptions say what the walk leaves out. */
export interface DiffOptions {
  /** hidden: entries made by the runtime rather than the container (mount points); a hidden directory's content too. */
  readonly hidden: (rel: string) => boolean;
  readonly xattrs: XattrReader;
  /**
   * elide: directories reported as added only when something inside them is (the runtime creates a missing /sbin
   * for `--init`'s mount point, which is not the container's doing).
   */
  readonly elide?: ReadonlySet<string>;
  readonly signal?: AbortSignal;
}

/**
 * diffLayers lists the changes of an overlay upper directory against its lower layers, as `docker diff` shows them
 * (moby's naive diff, by walking only the upper directory): a whiteout is a deletion of what the image had, an
 * opaque directory deletes the image's entries it no longer shows, an entry the image lacks is an addition, one it
 * has is a modification when statDifferent says so; every directory holding a change is itself reported modified.
 * The upper directory is read through directory descriptors (it may be changing under a running container).
 * Sorted by path, so parents come first.
 */
export async function diffLayers(upper: string, lower: LowerView, opts: DiffOptions): Promise<Change[]> {
  const changes = new Map<string, ChangeKind>();
  const fd = await openFd(upper, O_RDONLY | O_DIRECTORY);
  try {
    await walk(fd, '', { lower, opts, changes, visited: 0 });
  } finally {
    await closeFd(fd);
  }
  for (const dir of opts.elide ?? []) {
    if (changes.get(dir) === 1 && ![...changes.keys()].some((k) => k.startsWith(`${dir}/`))) changes.delete(dir);
  }
  return [...changes].map(([rel, kind]) => ({ path: `/${rel}`, kind })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface WalkState {
  readonly lower: LowerView;
  readonly opts: DiffOptions;
  readonly changes: Map<string, ChangeKind>;
  visited: number;
}

const YIELD_EVERY = 512;

function record(state: WalkState, rel: string, kind: ChangeKind): void {
  state.changes.set(rel, kind);
  // Every directory above a change is reported modified, unless it is reported already.
  for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) {
    const parent = rel.slice(0, i);
    if (state.changes.has(parent)) break;
    state.changes.set(parent, 0);
  }
}

async function walk(fd: number, rel: string, state: WalkState): Promise<void> {
  const names = fs.readdirSync(`/proc/self/fd/${fd}`).sort();
  for (const name of names) {
    state.opts.signal?.throwIfAborted();
    // Let other requests run now and then: the walk itself makes synchronous calls only.
    if (++state.visited % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
    const childRel = rel === '' ? name : `${rel}/${name}`;
    if (state.opts.hidden(childRel)) continue;
    const at = `/proc/self/fd/${fd}/${name}`;
    const st = lstatOrUndefined(at);
    if (st === undefined) continue;
    const below = await state.lower.lstat(childRel);
    if (isWhiteout(st)) {
      if (below !== undefined) record(state, childRel, 2);
      continue;
    }
    if (below === undefined) record(state, childRel, 1);
    else if (statDifferent(below, st)) record(state, childRel, 0);
    if (!st.isDirectory()) continue;
    let sub: number;
    try {
      sub = fs.openSync(at, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch {
      continue; // replaced since the lstat (a running container): nothing to walk
    }
    try {
      if (below?.isDirectory() === true && isOpaque(state.opts.xattrs, at)) {
        const present = new Set(fs.readdirSync(`/proc/self/fd/${sub}`));
        for (const gone of await state.lower.children(childRel)) if (!present.has(gone)) record(state, `${childRel}/${gone}`, 2);
      }
      await walk(sub, childRel, state);
    } finally {
      fs.closeSync(sub);
    }
  }
}

function isOpaque(xattrs: XattrReader, p: string): boolean {
  const v = xattrs.lgetxattr(p, OPAQUE);
  return v !== undefined && v.length === 1 && v[0] === 0x79;
}
