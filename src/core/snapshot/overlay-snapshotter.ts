import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isDigest, isFullId, parseDigest, type Digest } from '../../common/digest.js';
import { WharfError, internal, invalidArgument, notFound } from '../../common/errors.js';
import type { SpecialFileOps } from '../archive/special-file-ops.js';
import { unpackLayer } from '../archive/unpack.js';
import { fsyncDir, writeFileAtomic } from '../durable/atomic-file.js';
import type { DataRootLayout } from '../layout.js';
import type { SnapshotInfo, Snapshotter } from './snapshotter.js';

const META = 'meta.json';
const FS = 'fs';
/** MAX_CHAIN bounds a parent walk; a longer chain can only come from corrupt metadata (Docker's limit is 125). */
const MAX_CHAIN = 1000;

/**
 * OverlaySnapshotter is the Snapshotter for overlayfs: `snapshots/<chain-hex>/fs` holds a layer unpacked with its
 * whiteouts in overlayfs form, `snapshots/<chain-hex>/meta.json` its SnapshotInfo (see DataRootLayout). A layer is
 * unpacked into `snapshots/tmp/<random>/fs`, checked against its diffId, flushed (syncfs), given its meta.json and
 * renamed into place, so a committed snapshot is always complete. Applies of the same chain ID are serialised
 * within the process; the daemon's data-root lock keeps other processes out.
 *
 * ```ts
 * const snapshots = await OverlaySnapshotter.open(layout, specialFileOps); // specialFileOps from src/os/native
 * await snapshots.apply(chainId, parentChainId, uncompressedTar, { diffId });
 * const mount = overlayMount({ lowerDirs: await snapshots.lowerDirs(chainId), upperDir, workDir });
 * ```
 */
export class OverlaySnapshotter implements Snapshotter {
  readonly #layout: DataRootLayout;
  readonly #ops: SpecialFileOps;
  readonly #applying = new Map<Digest, Promise<unknown>>();

  private constructor(layout: DataRootLayout, ops: SpecialFileOps) {
    this.#layout = layout;
    this.#ops = ops;
  }

  /** open creates the snapshot directories and deletes what a crash left in snapshots/tmp. */
  static async open(layout: DataRootLayout, ops: SpecialFileOps): Promise<OverlaySnapshotter> {
    await fsp.mkdir(layout.snapshotsDir, { recursive: true, mode: 0o700 });
    await removeTree(layout.snapshotTmpDir);
    await fsp.mkdir(layout.snapshotTmpDir, { mode: 0o700 });
    return new OverlaySnapshotter(layout, ops);
  }

  async stat(chainId: Digest): Promise<SnapshotInfo | undefined> {
    const id = parseDigest(chainId);
    let text: string;
    try {
      text = await fsp.readFile(path.join(this.#layout.snapshot(id), META), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const info = parseMeta(text);
    if (info === undefined || info.chainId !== id) {
      throw internal('WHARF_SNAPSHOT_CORRUPT', `snapshot ${id}: unreadable ${META}`);
    }
    return info;
  }

  async apply(
    chainId: Digest,
    parent: Digest | undefined,
    tar: Readable,
    opts: { diffId: Digest; signal?: AbortSignal },
  ): Promise<SnapshotInfo> {
    const id = parseDigest(chainId);
    const parentId = parent === undefined ? undefined : parseDigest(parent);
    const diffId = parseDigest(opts.diffId);
    // One apply per chain ID at a time: a second waits, then finds the first's snapshot and only drains its stream.
    for (let running = this.#applying.get(id); running !== undefined; running = this.#applying.get(id)) {
      await running.catch(() => undefined);
    }
    const work = this.#apply(id, parentId, diffId, tar, opts.signal);
    this.#applying.set(id, work);
    try {
      return await work;
    } finally {
      if (this.#applying.get(id) === work) this.#applying.delete(id);
    }
  }

  async list(): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for (const name of await fsp.readdir(this.#layout.snapshotsDir)) {
      if (!isFullId(name)) continue;
      const info = await this.stat(parseDigest(`sha256:${name}`)).catch(() => undefined);
      if (info !== undefined) out.push(info);
    }
    return out;
  }

  async remove(chainId: Digest): Promise<void> {
    const dir = this.#layout.snapshot(parseDigest(chainId));
    // Renamed away first, so the snapshot vanishes atomically and a crash mid-delete leaves only tmp garbage.
    const doomed = path.join(this.#layout.snapshotTmpDir, `rm-${randomBytes(8).toString('hex')}`);
    try {
      await fsp.rename(dir, doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await fsyncDir(this.#layout.snapshotsDir);
    await removeTree(doomed);
  }

  async lowerDirs(chainId: Digest): Promise<string[]> {
    const dirs: string[] = [];
    for (let id: Digest | undefined = parseDigest(chainId); id !== undefined; ) {
      if (dirs.length >= MAX_CHAIN) throw internal('WHARF_SNAPSHOT_CORRUPT', `snapshot ${chainId}: parent chain too long`);
      const info = await this.stat(id);
      if (info === undefined) throw notFound('WHARF_NO_SUCH_SNAPSHOT', `snapshot ${id}: not found`);
      dirs.push(path.join(this.#layout.snapshot(id), FS));
      id = info.parent;
    }
    return dirs;
  }

  async #apply(
    id: Digest,
    parent: Digest | undefined,
    diffId: Digest,
    tar: Readable,
    signal: AbortSignal | undefined,
  ): Promise<SnapshotInfo> {
    const existing = await this.stat(id);
    if (existing !== undefined) {
      await pipeline(tar, new Writable({ write: (_chunk, _enc, done) => done() }), signal ? { signal } : {});
      return existing;
    }
    if (parent !== undefined && (await this.stat(parent)) === undefined) {
      tar.destroy();
      throw new WharfError('FailedPrecondition', 'WHARF_PARENT_SNAPSHOT_MISSING', `snapshot ${id}: parent ${parent} is not committed`);
    }
    const tmp = path.join(this.#layout.snapshotTmpDir, randomBytes(16).toString('hex'));
    try {
      await fsp.mkdir(tmp, { mode: 0o700 });
      await fsp.mkdir(path.join(tmp, FS), { mode: 0o755 });
      const unpacked = await unpackLayer(tar, path.join(tmp, FS), { ops: this.#ops, signal, sync: true });
      if (unpacked.diffId !== diffId) {
        throw invalidArgument('WHARF_DIGEST_MISMATCH', `layer ${id}: diffId mismatch: expected ${diffId}, got ${unpacked.diffId}`);
      }
      const info: SnapshotInfo = { chainId: id, ...(parent === undefined ? {} : { parent }), diffId, size: unpacked.size };
      await writeFileAtomic(path.join(tmp, META), `${JSON.stringify(info)}\n`, 0o600);
      return await this.#commit(tmp, info);
    } catch (err) {
      await removeTree(tmp);
      throw err;
    }
  }

  /** commit renames a complete tmp snapshot into place; if the chain ID appeared meanwhile, that one stands. */
  async #commit(tmp: string, info: SnapshotInfo): Promise<SnapshotInfo> {
    try {
      await fsp.rename(tmp, this.#layout.snapshot(info.chainId));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const existing = code === 'ENOTEMPTY' || code === 'EEXIST' ? await this.stat(info.chainId) : undefined;
      if (existing === undefined) throw err;
      await removeTree(tmp);
      return existing;
    }
    await fsyncDir(this.#layout.snapshotsDir);
    return info;
  }
}

function parseMeta(text: string): SnapshotInfo | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  const digest = (x: unknown): x is Digest => typeof x === 'string' && isDigest(x);
  if (!digest(m.chainId) || !digest(m.diffId) || (m.parent !== undefined && !digest(m.parent))) return undefined;
  if (typeof m.size !== 'number' || !Number.isSafeInteger(m.size) || m.size < 0) return undefined;
  return { chainId: m.chainId, ...(m.parent === undefined ? {} : { parent: m.parent }), diffId: m.diffId, size: m.size };
}

/**
 * removeTree deletes a directory tree; absent is fine. Without root, a layer's read-only directories (0555, 0500)
 * refuse the removal of their entries, so on EACCES/EPERM it makes every directory writable and tries again.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    await fsp.rm(dir, { recursive: true, force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw err;
    makeDirsWritable(dir);
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function makeDirsWritable(dir: string): void {
  fs.chmodSync(dir, 0o700);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) makeDirsWritable(path.join(dir, entry.name));
  }
}
