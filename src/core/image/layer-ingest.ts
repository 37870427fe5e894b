import { createHash } from 'node:crypto';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { Digest } from '../../common/digest.js';
import { invalidArgument, notFound } from '../../common/errors.js';
import { decompress, detectCompression, type Compression, type DecompressLimits } from '../archive/decompress.js';
import type { ContentStore } from '../content/content-store.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import { nextChainId } from './chain-id.js';
import type { Lease, LayerRecord } from './image-store.js';
import { MEDIA_TYPE_OCI_LAYER, MEDIA_TYPE_OCI_LAYER_GZIP, MEDIA_TYPE_OCI_LAYER_ZSTD } from './oci.js';

/** LayerDeps are the stores a layer is written to. */
export interface LayerDeps {
  readonly content: ContentStore;
  readonly snapshots: Snapshotter;
}

/** UnpackLayerOptions describe where a layer goes and what it must be. */
export interface UnpackLayerOptions {
  /** Chain ID of the layer below (committed), absent for a base layer. */
  readonly parent?: Digest;
  /** Media type to record; by default the OCI layer type of the compression found in the blob. */
  readonly mediaType?: string;
  /** Every blob and chain ID the layer uses is added to this lease. */
  readonly lease: Lease;
  readonly signal?: AbortSignal;
  /** Decompression-bomb limits; DEFAULT_DECOMPRESS_LIMITS when absent. */
  readonly limits?: DecompressLimits;
}

/** IngestLayerOptions add what the caller may already know of the layer's digests. */
export interface IngestLayerOptions extends UnpackLayerOptions {
  /** Digest the blob must have (from a manifest or a blob name): mismatch is InvalidArgument. */
  readonly expectedBlob?: Digest;
  /** Digest the uncompressed tar must have (a config's diff_id): mismatch is InvalidArgument. */
  readonly expectedDiffId?: Digest;
}

/** IngestedLayer is a stored, unpacked layer: its record and the chain ID of the stack it tops. */
export interface IngestedLayer {
  readonly layer: LayerRecord;
  readonly chainId: Digest;
}

/**
 * ingestLayer stores a layer blob (compressed or not) and unpacks it as a snapshot above `parent`.
 *
 * The chain ID, which names the snapshot, needs the layer's diff ID. When the caller knows it
 * (`expectedDiffId`, from an image config), the source is read once and teed into the content store and through
 * the decompressor into the snapshotter, which verifies the diff ID. Otherwise the blob is stored first, its diff ID
 * computed by streaming the stored blob through the decompressor, and the snapshot unpacked from the stored blob:
 * two reads from disk, never a layer held in memory. An existing snapshot is reused. On failure `source` is left
 * as it is (possibly partly read), for its owner to close.
 */
export async function ingestLayer(deps: LayerDeps, source: Readable, opts: IngestLayerOptions): Promise<IngestedLayer> {
  if (opts.expectedDiffId !== undefined) return ingestKnownDiff(deps, source, opts, opts.expectedDiffId);
  const info = await guardedIngest(deps.content, source, opts);
  return unpackStoredLayer(deps, info.digest, opts);
}

/**
 * unpackStoredLayer unpacks a blob that is already in the content store as the layer above `parent`, computing its
 * diff ID first when `diffId` is not given (and verifying it in the snapshotter when it is).
 */
export async function unpackStoredLayer(
  deps: LayerDeps,
  blob: Digest,
  opts: UnpackLayerOptions & { readonly diffId?: Digest },
): Promise<IngestedLayer> {
  opts.lease.add(blob);
  const info = await deps.content.info(blob);
  if (info === undefined) throw notFound('WHARF_NO_SUCH_BLOB', `layer blob ${blob} not found`);
  let compression: Compression | undefined;
  const onCompression = (c: Compression): void => {
    compression = c;
  };
  const limits = { ...opts.limits, onCompression };
  const diffId = opts.diffId ?? (await withBlob(deps.content, blob, (raw) => sha256Of(decompress(raw, limits))));
  const chainId = nextChainId(opts.parent, diffId);
  opts.lease.add(chainId);
  if ((await deps.snapshots.stat(chainId)) === undefined) {
    await withBlob(deps.content, blob, (raw) => deps.snapshots.apply(chainId, opts.parent, decompress(raw, limits), withSignal({ diffId }, opts.signal)));
  } else if (opts.diffId !== undefined) {
    // The snapshot exists, but this blob must still be proven to be that layer before a record pairs them.
    await withBlob(deps.content, blob, (raw) => expectDigest(decompress(raw, limits), diffId, 'layer diffId'));
  }
  const mediaType = opts.mediaType ?? mediaTypeFor(compression ?? (await blobCompression(deps.content, blob)));
  return { layer: { diffId, blob, mediaType, size: info.size }, chainId };
}

/** mediaTypeFor is the OCI layer media type of a compression. */
export function mediaTypeFor(compression: Compression): string {
  if (compression === 'gzip') return MEDIA_TYPE_OCI_LAYER_GZIP;
  if (compression === 'zstd') return MEDIA_TYPE_OCI_LAYER_ZSTD;
  return MEDIA_TYPE_OCI_LAYER;
}

async function ingestKnownDiff(deps: LayerDeps, source: Readable, opts: IngestLayerOptions, diffId: Digest): Promise<IngestedLayer> {
  const chainId = nextChainId(opts.parent, diffId);
  opts.lease.add(chainId);
  if (opts.expectedBlob !== undefined) opts.lease.add(opts.expectedBlob);
  const exists = (await deps.snapshots.stat(chainId)) !== undefined;
  const known = opts.expectedBlob === undefined ? undefined : await deps.content.info(opts.expectedBlob);
  const toContent = new PassThrough();
  const toSnapshot = new PassThrough();
  const head: Buffer[] = [];
  // What exists already is not written again, but the source is still checked against both digests.
  const work = Promise.all([
    tee(source, [toContent, toSnapshot], head, opts.signal),
    known === undefined ? guardedIngest(deps.content, toContent, opts) : expectDigest(toContent, known.digest, 'layer digest'),
    exists
      ? expectDigest(decompress(toSnapshot, opts.limits), diffId, 'layer diffId')
      : deps.snapshots.apply(chainId, opts.parent, decompress(toSnapshot, opts.limits), withSignal({ diffId }, opts.signal)),
  ]);
  try {
    const [, info] = await work;
    const mediaType = opts.mediaType ?? mediaTypeFor(detectCompression(Buffer.concat(head)));
    return { layer: { diffId, blob: info.digest, mediaType, size: info.size }, chainId };
  } catch (err) {
    // The source is the caller's to close; only the copies are ours.
    for (const s of [toContent, toSnapshot]) s.destroy();
    throw err;
  }
}

/** withBlob runs fn on a read stream of a stored blob and always closes the stream (decompress leaves it open). */
async function withBlob<T>(content: ContentStore, blob: Digest, fn: (raw: Readable) => Promise<T>): Promise<T> {
  const raw = content.readStream(blob);
  try {
    return await fn(raw);
  } finally {
    raw.destroy();
  }
}

/** expectDigest drains a stream and fails unless its sha256 is `expected`; returns digest and size. */
async function expectDigest(stream: AsyncIterable<Buffer | string>, expected: Digest, what: string): Promise<{ digest: Digest; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  const digest: Digest = `sha256:${hash.digest('hex')}`;
  if (digest !== expected) throw invalidArgument('WHARF_DIGEST_MISMATCH', `${what} mismatch: expected ${expected}, got ${digest}`);
  return { digest, size };
}

async function guardedIngest(content: ContentStore, source: Readable, opts: IngestLayerOptions): Promise<{ digest: Digest; size: number }> {
  return opts.lease.guard(async () => {
    const ingestOpts: { expected?: Digest; signal?: AbortSignal } = {};
    if (opts.expectedBlob !== undefined) ingestOpts.expected = opts.expectedBlob;
    if (opts.signal !== undefined) ingestOpts.signal = opts.signal;
    const info = await content.ingest(source, ingestOpts);
    opts.lease.add(info.digest);
    return info;
  });
}

/** tee copies source into every output with backpressure, keeping the first bytes in `head`. */
async function tee(source: Readable, outs: readonly PassThrough[], head: Buffer[], signal?: AbortSignal): Promise<void> {
  let headLength = 0;
  try {
    for await (const chunk of source.iterator({ destroyOnReturn: false })) {
      signal?.throwIfAborted();
      const b = chunk as Buffer;
      if (headLength < 8) {
        head.push(b.subarray(0, 8));
        headLength += Math.min(b.length, 8);
      }
      await Promise.all(outs.map((o) => write(o, b)));
    }
    for (const o of outs) o.end();
  } catch (err) {
    for (const o of outs) o.destroy(err as Error);
    throw err;
  }
}

function write(out: Writable, chunk: Buffer): Promise<void> | undefined {
  if (out.destroyed) throw new Error('layer consumer stopped early');
  if (out.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

async function sha256Of(stream: AsyncIterable<Buffer | string>): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

async function blobCompression(content: ContentStore, blob: Digest): Promise<Compression> {
  const stream = content.readStream(blob);
  try {
    for await (const chunk of stream) return detectCompression(chunk as Buffer);
    return 'none';
  } finally {
    stream.destroy();
  }
}

function withSignal<T extends object>(o: T, signal: AbortSignal | undefined): T & { signal?: AbortSignal } {
  return signal === undefined ? o : { ...o, signal };
}
