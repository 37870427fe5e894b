import fs from 'node:fs/promises';
import path from 'node:path';
import { WharfError } from '../../common/errors.js';
import { chainId } from '../../core/image/chain-id.js';
import type { ImageStore } from '../../core/image/image-store.js';
import { Mutex } from '../../core/image/mutex.js';
import type { Mounter } from '../../core/runtime/mounter.js';
import { overlayMount } from '../../core/snapshot/overlay-mount.js';
import type { Mount, Snapshotter } from '../../core/snapshot/snapshotter.js';
import type { ContainerRecord } from './container-record.js';

/** rootfsPlan computes a container's root: an overlay of its image's snapshot chain plus its own upper layer. */
export async function rootfsPlan(
  deps: { readonly images: ImageStore; readonly snapshots: Snapshotter },
  record: ContainerRecord,
): Promise<Mount[]> {
  const image = await deps.images.get(record.imageId);
  if (image === undefined) {
    throw new WharfError('FailedPrecondition', 'WHARF_IMAGE_CONTENT_MISSING', `image ${record.imageId} of container ${record.id} is not stored`);
  }
  const top = chainId(image.layers.map((l) => l.diffId));
  const lowerDirs = top === undefined ? [] : await deps.snapshots.lowerDirs(top);
  return [overlayMount({ lowerDirs, upperDir: record.paths.upper, workDir: record.paths.work })];
}

/**
 * RootfsMounts keeps each container's root filesystem mounted at `<bundle>/rootfs` while someone needs it: the
 * running container holds one reference, and `docker cp`/diff/export of a stopped container take one for as long
 * as they read it. The mount is made on the first `acquire` and undone on the last `release`, so the running
 * container and a copy never unmount each other's view.
 *
 * ```ts
 * const root = await rootfs.acquire(record);
 * try { await readSomething(root); } finally { await rootfs.release(record); }
 * // or: await rootfs.withRootfs(record, (root) => readSomething(root));
 * ```
 */
export class RootfsMounts {
  readonly #deps: { readonly images: ImageStore; readonly snapshots: Snapshotter; readonly mounter: Mounter };
  readonly #refs = new Map<string, number>();
  readonly #locks = new Map<string, Mutex>();

  constructor(deps: { readonly images: ImageStore; readonly snapshots: Snapshotter; readonly mounter: Mounter }) {
    this.#deps = deps;
  }

  #lock(id: string): Mutex {
    let m = this.#locks.get(id);
    if (m === undefined) {
      m = new Mutex();
      this.#locks.set(id, m);
    }
    return m;
  }

  /** acquire takes a reference on the container's root, mounting it if nobody holds one; returns its path. */
  acquire(record: ContainerRecord): Promise<string> {
    return this.#lock(record.id).run(async () => {
      const refs = this.#refs.get(record.id) ?? 0;
      const target = record.paths.rootfs;
      if (refs === 0 && !(await this.#deps.mounter.isMounted(target))) {
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        await fs.mkdir(target, { recursive: true, mode: 0o755 });
        await this.#deps.mounter.mount(await rootfsPlan(this.#deps, record), target);
      }
      this.#refs.set(record.id, refs + 1);
      return target;
    });
  }

  /** release drops a reference; the last one unmounts the root. */
  release(record: ContainerRecord): Promise<void> {
    return this.#lock(record.id).run(async () => {
      const refs = (this.#refs.get(record.id) ?? 0) - 1;
      if (refs > 0) {
        this.#refs.set(record.id, refs);
        return;
      }
      this.#refs.delete(record.id);
      await this.#deps.mounter.unmount(record.paths.rootfs, { lazy: true });
    });
  }

  /**
   * adopt records that a running container found at start-up holds its root (mounted by the daemon's previous
   * run), so that the exit handling's `release` unmounts it. Nothing is mounted: the container runs on what is
   * there.
   */
  adopt(record: ContainerRecord): void {
    if ((this.#refs.get(record.id) ?? 0) === 0) this.#refs.set(record.id, 1);
  }

  /** clear unmounts the root whoever holds it (removal, start-up cleanup of a dead container). */
  async clear(record: ContainerRecord): Promise<void> {
    const lock = this.#lock(record.id);
    await lock.run(async () => {
      this.#refs.delete(record.id);
      await this.#deps.mounter.unmount(record.paths.rootfs, { lazy: true });
    });
    // The container is going away: drop its lock unless someone queued behind us.
    if (this.#locks.get(record.id) === lock && !this.#refs.has(record.id)) this.#locks.delete(record.id);
  }

  /** withRootfs runs `fn` with the container's root mounted (for reading a stopped container's files). */
  async withRootfs<T>(record: ContainerRecord, fn: (rootfs: string) => Promise<T>): Promise<T> {
    const root = await this.acquire(record);
    try {
      return await fn(root);
    } finally {
      await this.release(record);
    }
  }
}
