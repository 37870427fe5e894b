import type { Digest } from '../../common/digest.js';
import type { Reference } from '../../common/reference.js';

/** LayerRecord ties one layer of an image to its stored blob. */
export interface LayerRecord {
  /** sha256 of the uncompressed tar: the config's rootfs.diff_ids entry. */
  readonly diffId: Digest;
  /** Digest of the blob in the content store (equal to diffId when stored uncompressed). */
  readonly blob: Digest;
  /** Media type of the blob (OCI or Docker layer type, gzip/zstd/plain). */
  readonly mediaType: string;
  /** Size of the blob in bytes. */
  readonly size: number;
}

/**
 * ImageRecord is wharf's metadata for one image. Its ID is the digest of its config blob (as Docker's), so the same
 * image keeps the same ID through save/load, push/pull and build caches.
 */
export interface ImageRecord {
  readonly id: Digest;
  /** Layers bottom-most first, parallel to config.rootfs.diff_ids. */
  readonly layers: readonly LayerRecord[];
  /** Digest of the manifest the image arrived with or was last pushed as, when known. */
  readonly manifestDigest?: Digest;
  /** Local parent image ID (set by build and commit), so rmi can refuse to remove an image a child still needs. */
  readonly parent?: Digest;
  /** When the image entered this store (RFC 3339); the image's own `created` is in its config. */
  readonly addedAt: string;
}

/** ReferenceEntry is one tag or digest reference and the image it names. */
export interface ReferenceEntry {
  readonly ref: Reference;
  readonly imageId: Digest;
}

/**
 * ImageStore owns image records and references (tags and repo digests), and decides what is garbage.
 *
 * Writes are crash-safe (temp file, fsync, rename, fsync directory). Invariants kept across any crash:
 * a record is written only after its config and layer blobs and its snapshots are committed; a reference is
 * written only after the record it names; garbage collection removes records, then blobs and snapshots that no
 * record (and no lease of an operation in flight) reaches. Mutations are serialised inside the store.
 */
export interface ImageStore {
  /** get returns a record by full ID, or undefined. */
  get(id: Digest): Promise<ImageRecord | undefined>;
  /** list returns every record. */
  list(): Promise<ImageRecord[]>;
  /** put commits a record (idempotent). */
  put(record: ImageRecord): Promise<void>;
  /** delete removes a record and every reference to it. */
  delete(id: Digest): Promise<void>;
  /** references returns every reference, optionally only those naming one image. */
  references(imageId?: Digest): Promise<ReferenceEntry[]>;
  /** resolveReference returns the image a normalised reference names, or undefined. */
  resolveReference(ref: Reference): Promise<Digest | undefined>;
  /** setReference points ref at imageId, replacing whatever it named. */
  setReference(ref: Reference, imageId: Digest): Promise<void>;
  /** deleteReference removes a reference; returns whether it existed. */
  deleteReference(ref: Reference): Promise<boolean>;
  /**
   * lease marks digests (blobs, chain IDs) as in use by an operation in flight (load, import, pull, build) so a
   * concurrent garbage collection keeps them. Release it when the operation ends, committed or not.
   */
  lease(): Lease;
  /** garbageCollect removes blobs and snapshots nothing reaches; returns the bytes freed. */
  garbageCollect(): Promise<{ blobs: number; snapshots: number; bytes: number }>;
}

/**
 * Lease holds digests and chain IDs alive while an operation is in flight. Add a digest before creating what it
 * names when it is known in advance (a named blob, a chain ID). When it is not (a blob whose digest is learnt by
 * ingesting it), run the ingest inside `guard` and add the digest before the guarded function returns: a garbage
 * collection sweeps no blobs while a guarded operation is in flight.
 */
export interface Lease {
  add(digest: Digest): void;
  /** guard runs op so that no garbage collection sweeps blobs until it settles. */
  guard<T>(op: () => Promise<T>): Promise<T>;
  release(): void;
}
