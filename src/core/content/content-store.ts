import type { Readable } from 'node:stream';
import type { Digest } from '../../common/digest.js';

/** BlobInfo is what the content store knows of one blob. */
export interface BlobInfo {
  readonly digest: Digest;
  readonly size: number;
}

/**
 * ContentStore holds immutable blobs by sha256 digest (layers, image configs, manifests), the way registries see them.
 *
 * Lifecycle of a write: `ingest()` streams bytes into a private ingest file while hashing them; the blob becomes
 * visible under its digest only after size and digest are verified (against `expected` when given), fsynced and
 * renamed into place, followed by an fsync of the directory. A crash at any moment leaves either no blob or the
 * whole blob. Writing a blob that already exists is a no-op that still verifies the input.
 *
 * Deletion is by reachability (see ImageStore.garbageCollect): nothing outside the GC calls `delete`.
 *
 * ```ts
 * const { digest } = await store.ingest(stream, { expected: layerDigest });
 * const bytes = await store.readBytes(configDigest);
 * ```
 */
export interface ContentStore {
  /** info returns the blob's size, or undefined when absent. */
  info(digest: Digest): Promise<BlobInfo | undefined>;
  /** readBytes returns a whole (small) blob such as a config or manifest; NotFound when absent. */
  readBytes(digest: Digest): Promise<Buffer>;
  /** readStream streams a blob; NotFound (thrown synchronously) when absent. */
  readStream(digest: Digest): Readable;
  /**
   * ingest streams `source` into the store. With `expected`, a digest mismatch fails with InvalidArgument
   * (code WHARF_DIGEST_MISMATCH) and nothing becomes visible; `maxSize` bounds the bytes accepted (TooLarge).
   */
  ingest(source: Readable, opts?: { expected?: Digest; maxSize?: number; signal?: AbortSignal }): Promise<BlobInfo>;
  /** put stores a whole buffer (configs, manifests) and returns its digest. */
  put(bytes: Buffer | string, expected?: Digest): Promise<BlobInfo>;
  /** list yields every committed blob. */
  list(): AsyncIterable<BlobInfo>;
  /** delete removes a blob; absent is not an error. Only the garbage collector calls this. */
  delete(digest: Digest): Promise<void>;
}
