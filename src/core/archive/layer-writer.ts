import fs from 'node:fs';
import path from 'node:path';
import { WharfError } from '../../common/errors.js';
import { cleanEntryName, invalidLayer, parentOf, roleOf, unsafeLayer } from './layer-path.js';
import { xattrAllowed } from './pax-xattrs.js';
import { FILE_TYPE, type SpecialFileOps } from './special-file-ops.js';

/** LayerEntryType is the kind of a tar entry the unpacker extracts. */
export type LayerEntryType = 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';

/** LayerEntry is one tar header, normalised (PAX overrides applied, times in seconds). */
export interface LayerEntry {
  /** name is the entry name as found in the tar (not yet cleaned). */
  readonly name: string;
  readonly type: LayerEntryType;
  /** mode holds the permission bits, setuid/setgid/sticky included. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** size is the number of data bytes that follow (regular files). */
  readonly size: number;
  readonly mtime: number;
  readonly atime: number;
  /** linkname is a symlink's target (data, written verbatim) or a hard link's target entry name. */
  readonly linkname: string;
  readonly devmajor: number;
  readonly devminor: number;
  readonly xattrs: ReadonlyMap<string, Buffer>;
}

/** UnpackStats counts what an unpack wrote: regular-file bytes and tar entries. */
export interface UnpackStats {
  readonly size: number;
  readonly entries: number;
}

// What each extracted path is. Everything in the map was created by this writer, and a path is only added when all
// its ancestors are DIR, so a DIR entry proves that the whole chain to the root consists of real directories.
const DIR = 1;
const FILE = 2;
const SYMLINK = 3;
const WHITEOUT = 4;
type NodeKind = typeof DIR | typeof FILE | typeof SYMLINK | typeof WHITEOUT;

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
const CREATE_FLAGS = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
const DEVICE_BITS: Readonly<Record<string, number>> = {
  'character-device': FILE_TYPE.S_IFCHR,
  'block-device': FILE_TYPE.S_IFBLK,
  fifo: FILE_TYPE.S_IFIFO,
};

/**
 * LayerWriter extracts tar entries into an empty directory with synchronous fs calls (it runs in the unpack worker
 * thread), enforcing the layer rules: no path outside the root, nothing created through a symlink (every parent
 * must be a directory this writer made), hard links only to files extracted earlier in the layer, whiteouts turned
 * into their overlayfs form. Ownership, modes (setuid/setgid/sticky too), times, allowed xattrs, devices and FIFOs
 * are preserved; directory metadata is applied in `finish()`, after their contents are written.
 * Usage: `begin(entry)`, `write(chunk)`… for a file's data, `end()`; after the last entry `finish()`.
 */
export class LayerWriter {
  readonly #root: string;
  readonly #ops: SpecialFileOps;
  readonly #umask: number;
  readonly #uid = process.geteuid?.() ?? 0;
  readonly #gid = process.getegid?.() ?? 0;
  readonly #nodes = new Map<string, NodeKind>();
  readonly #dirs = new Map<string, LayerEntry>();
  #fd = -1;
  #file: LayerEntry | undefined;
  #fileAbs = '';
  #size = 0;
  #entries = 0;

  /** The root must be an existing, empty directory; the caller owns it and deletes it when unpacking fails. */
  constructor(root: string, ops: SpecialFileOps) {
    this.#root = path.resolve(root);
    this.#ops = ops;
    if (fs.readdirSync(this.#root).length !== 0) {
      throw new WharfError('FailedPrecondition', 'WHARF_UNPACK_TARGET_NOT_EMPTY', `unpack target ${this.#root} is not empty`);
    }
    this.#umask = probeUmask(this.#root);
  }

  /** begin starts an entry; a regular file's data follows through write() until end(). */
  begin(entry: LayerEntry): void {
    this.#entries++;
    try {
      this.#begin(entry);
    } catch (err) {
      throw wrap(entry.name, err);
    }
  }

  /** write appends data to the current regular file (data of any other entry is ignored). */
  write(chunk: Uint8Array): void {
    if (this.#fd < 0) return;
    try {
      for (let off = 0; off < chunk.length; ) off += fs.writeSync(this.#fd, chunk, off, chunk.length - off);
      this.#size += chunk.length;
    } catch (err) {
      throw wrap(this.#file?.name ?? '', err);
    }
  }

  /** end completes the current entry: a regular file gets its owner, mode, xattrs and times, then is closed. */
  end(): void {
    const entry = this.#file;
    if (this.#fd < 0 || entry === undefined) return;
    const fd = this.#fd;
    this.#fd = -1;
    try {
      const chown = entry.uid !== this.#uid || entry.gid !== this.#gid;
      if (chown) fs.fchownSync(fd, entry.uid, entry.gid);
      // chmod after chown: chown clears setuid/setgid. Data first: a write clears file capabilities.
      if (this.#needsChmod(entry.mode)) fs.fchmodSync(fd, entry.mode & 0o7777);
      this.#setXattrs(this.#fileAbs, entry);
      fs.futimesSync(fd, entry.atime, entry.mtime);
    } catch (err) {
      throw wrap(entry.name, err);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** finish applies directory metadata, deepest first (so a read-only parent never blocks its children). */
  finish(): UnpackStats {
    const dirs = [...this.#dirs].filter(([rel]) => this.#nodes.get(rel) === DIR);
    dirs.sort(([a], [b]) => depth(b) - depth(a));
    for (const [rel, entry] of dirs) {
      try {
        const abs = this.#abs(rel);
        if (entry.uid !== this.#uid || entry.gid !== this.#gid) fs.lchownSync(abs, entry.uid, entry.gid);
        fs.chmodSync(abs, entry.mode & 0o7777);
        this.#setXattrs(abs, entry);
        fs.utimesSync(abs, entry.atime, entry.mtime);
      } catch (err) {
        throw wrap(entry.name, err);
      }
    }
    return { size: this.#size, entries: this.#entries };
  }

  /** abort closes a file left open by a failed unpack; the caller then deletes the whole target. */
  abort(): void {
    if (this.#fd >= 0) fs.closeSync(this.#fd);
    this.#fd = -1;
  }

  #begin(entry: LayerEntry): void {
    const rel = cleanEntryName(entry.name);
    const role = roleOf(rel, entry.name);
    if (role.kind === 'skip') return;
    if (role.kind === 'opaque') {
      this.#ensureDir(role.dir, entry.name);
      this.#ops.lsetxattr(this.#abs(role.dir), 'trusted.overlay.opaque', Buffer.from('y'));
      return;
    }
    const target = role.kind === 'whiteout' ? role.path : rel;
    if (target === '') {
      // compat: moby pkg/archive skips the "." entry; the layer root keeps the mode its creator gave it.
      if (entry.type === 'directory') return;
      throw unsafeLayer(entry.name, 'would replace the layer root');
    }
    this.#ensureDir(parentOf(target), entry.name);
    if (role.kind === 'whiteout') return this.#whiteout(target, entry);
    if (entry.type === 'link') return this.#hardlink(rel, entry);
    this.#clear(rel, entry.type === 'directory');
    const abs = this.#abs(rel);
    switch (entry.type) {
      case 'directory':
        if (this.#nodes.get(rel) !== DIR) this.#mkdir(rel);
        this.#dirs.delete(rel);
        this.#dirs.set(rel, entry);
        return;
      case 'file':
        this.#fd = fs.openSync(abs, CREATE_FLAGS, entry.mode & 0o777);
        this.#nodes.set(rel, FILE);
        this.#file = entry;
        this.#fileAbs = abs;
        return;
      case 'symlink':
        if (entry.linkname === '') throw invalidLayer(`symlink ${JSON.stringify(entry.name)} has an empty target`);
        fs.symlinkSync(entry.linkname, abs);
        this.#nodes.set(rel, SYMLINK);
        return this.#setMeta(abs, entry, true);
      default:
        this.#ops.mknod(abs, (DEVICE_BITS[entry.type] ?? 0) | (entry.mode & 0o777), entry.devmajor, entry.devminor);
        this.#nodes.set(rel, FILE);
        return this.#setMeta(abs, entry, false);
    }
  }

  /** ensureDir makes `rel` a directory of this layer, creating missing ancestors; never through a symlink. */
  #ensureDir(rel: string, name: string): void {
    if (rel === '') return;
    const kind = this.#nodes.get(rel);
    if (kind === DIR) return;
    if (kind === SYMLINK) throw unsafeLayer(name, `parent ${JSON.stringify(rel)} is a symlink`);
    if (kind !== undefined) throw invalidLayer(`${JSON.stringify(name)}: parent ${JSON.stringify(rel)} is not a directory`);
    this.#ensureDir(parentOf(rel), name);
    this.#mkdir(rel);
  }

  #mkdir(rel: string): void {
    const abs = this.#abs(rel);
    fs.mkdirSync(abs, 0o755);
    if ((this.#umask & 0o755) !== 0) fs.chmodSync(abs, 0o755);
    this.#nodes.set(rel, DIR);
  }

  /** clear removes what an earlier entry of this layer left at `rel` (compat: moby replaces all but dir-over-dir). */
  #clear(rel: string, keepDir: boolean): void {
    const kind = this.#nodes.get(rel);
    if (kind === undefined || (kind === DIR && keepDir)) return;
    const abs = this.#abs(rel);
    if (kind === DIR) {
      fs.rmSync(abs, { recursive: true, force: true });
      const prefix = `${rel}/`;
      for (const key of this.#nodes.keys()) {
        if (key.startsWith(prefix)) {
          this.#nodes.delete(key);
          this.#dirs.delete(key);
        }
      }
      this.#dirs.delete(rel);
    } else {
      fs.unlinkSync(abs);
    }
    this.#nodes.delete(rel);
  }

  #whiteout(rel: string, entry: LayerEntry): void {
    this.#clear(rel, false);
    const abs = this.#abs(rel);
    // overlayfs: a character device 0:0 hides the same name in the layers below.
    this.#ops.mknod(abs, FILE_TYPE.S_IFCHR, 0, 0);
    this.#nodes.set(rel, WHITEOUT);
    if (entry.uid !== this.#uid || entry.gid !== this.#gid) fs.lchownSync(abs, entry.uid, entry.gid);
  }

  #hardlink(rel: string, entry: LayerEntry): void {
    let target: string;
    try {
      target = cleanEntryName(entry.linkname);
    } catch {
      throw unsafeLayer(entry.name, `hard link to ${JSON.stringify(entry.linkname)}, outside the layer`);
    }
    const kind = this.#nodes.get(target);
    if (target === rel || (kind !== FILE && kind !== SYMLINK)) {
      throw unsafeLayer(entry.name, `hard link to ${JSON.stringify(entry.linkname)}, not a file extracted earlier in this layer`);
    }
    this.#clear(rel, false);
    fs.linkSync(this.#abs(target), this.#abs(rel));
    this.#nodes.set(rel, kind);
  }

  #setMeta(abs: string, entry: LayerEntry, symlink: boolean): void {
    if (entry.uid !== this.#uid || entry.gid !== this.#gid) fs.lchownSync(abs, entry.uid, entry.gid);
    if (!symlink && this.#needsChmod(entry.mode)) fs.chmodSync(abs, entry.mode & 0o7777);
    this.#setXattrs(abs, entry);
    fs.lutimesSync(abs, entry.atime, entry.mtime);
  }

  /** needsChmod: the node was created with mode & 0o777 & ~umask; chmod only when that differs from the entry. */
  #needsChmod(mode: number): boolean {
    return (mode & 0o7000) !== 0 || (mode & 0o777 & this.#umask) !== 0;
  }

  #setXattrs(abs: string, entry: LayerEntry): void {
    for (const [name, value] of entry.xattrs) {
      if (!xattrAllowed(name)) continue;
      try {
        this.#ops.lsetxattr(abs, name, value);
      } catch (err) {
        // compat: moby ignores EPERM from lsetxattr (user.* on symlinks, restricted user namespaces).
        if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
      }
    }
  }

  #abs(rel: string): string {
    return rel === '' ? this.#root : `${this.#root}/${rel}`;
  }
}

/** probeUmask learns the process umask without process.umask(), which worker threads may not call to set. */
function probeUmask(root: string): number {
  const probe = path.join(root, '.wharf-umask-probe');
  const fd = fs.openSync(probe, CREATE_FLAGS, 0o777);
  try {
    return 0o777 & ~fs.fstatSync(fd).mode;
  } finally {
    fs.closeSync(fd);
    fs.unlinkSync(probe);
  }
}

function depth(rel: string): number {
  let n = 0;
  for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) n++;
  return n;
}

/** wrap turns a failed system call into WHARF_UNPACK_FAILED naming the entry; layer errors pass through. */
function wrap(name: string, err: unknown): WharfError {
  if (err instanceof WharfError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new WharfError('Internal', 'WHARF_UNPACK_FAILED', `unpacking ${JSON.stringify(name)}: ${message}`, { cause: err });
}
