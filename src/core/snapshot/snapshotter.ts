import type { Readable } from 'node:stream';
import type { Digest } from '../../common/digest.js';

/** SnapshotInfo describes one committed layer snapshot. */
export interface SnapshotInfo {
  readonly chainId: Digest;
  /** Chain ID of the layer below, absent for a base layer. */
  readonly parent?: Digest;
  /** Digest of this layer's uncompressed tar (the image config's rootfs.diff_ids entry). */
  readonly diffId: Digest;
  /** Bytes on disk of this layer alone. */
  readonly size: number;
}

/**
 * Mount is the lingua franca between core and os (containerd's `mount.Mount`): a serialised mount(2) call.
 * Core code computes Mount[]; only os/ executes them.
 */
export interface Mount {
  readonly type: string;
  readonly source: string;
  readonly target?: string;
  readonly options: readonly string[];
}

/**
 * Snapshotter owns unpacked layers on disk: each image layer is unpacked once into a directory keyed by its
 * chain ID and shared read-only by every image (and, later, container) above it.
 *
 * Lifecycle: `apply()` unpacks an uncompressed layer tar into a fresh temporary directory (converting whiteouts
 * and opaque directories to their overlayfs form, refusing anything that escapes the layer), then commits it by
 * writing meta.json and renaming the directory into place, so a crash leaves either nothing or the whole layer.
 * `apply()` of a chain ID that exists already returns the existing snapshot after draining the stream.
 * `remove()` is called only by the garbage collector.
 *
 * Containers (a later issue) get their root as `mounts(key, parentChainId)`: an overlay of the committed chain plus
 * a writable upper directory owned by the container.
 *
 * ```ts
 * const info = await snapshotter.apply(chainId, parentChainId, uncompressedTar, { diffId });
 * ```
 */
export interface Snapshotter {
  /** stat returns a committed snapshot, or undefined. */
  stat(chainId: Digest): Promise<SnapshotInfo | undefined>;
  /**
   * apply unpacks `tar` (uncompressed) as the layer `chainId` above `parent` (which must be committed).
   * `diffId` is verified against the sha256 of the tar stream (InvalidArgument WHARF_DIGEST_MISMATCH otherwise).
   */
  apply(
    chainId: Digest,
    parent: Digest | undefined,
    tar: Readable,
    opts: { diffId: Digest; signal?: AbortSignal },
  ): Promise<SnapshotInfo>;
  /** list returns every committed snapshot. */
  list(): Promise<SnapshotInfo[]>;
  /** remove deletes a committed snapshot; absent is not an error. Only the garbage collector calls this. */
  remove(chainId: Digest): Promise<void>;
  /** lowerDirs returns the fs directories of a chain, top-most first, as overlayfs `lowerdir=` wants them. */
  lowerDirs(chainId: Digest): Promise<string[]>;
}
