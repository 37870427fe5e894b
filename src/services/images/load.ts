import type { Readable } from 'node:stream';
import { shortId, type Digest } from '../../common/digest.js';
import { familiarString, type Reference } from '../../common/reference.js';
import { decompress, type DecompressLimits } from '../../core/archive/decompress.js';
import { planArchiveImages, type ImageLoadPlan } from '../../core/image/archive-manifest.js';
import { readArchive } from '../../core/image/docker-archive-reader.js';
import type { ImageRecord, LayerRecord, Lease } from '../../core/image/image-store.js';
import { unpackStoredLayer } from '../../core/image/layer-ingest.js';
import type { ImageDeps } from './image-deps.js';

/** LoadProgress is one progress message of a load, in the shape of Docker's JSON progress stream. */
export interface LoadProgress {
  stream?: string;
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
}

/** LoadOptions tune loadImages. */
export interface LoadOptions {
  readonly signal?: AbortSignal;
  /** Hears per-layer progress ("Loading layer", like Docker). */
  readonly onProgress?: (p: LoadProgress) => void;
  /** Decompression-bomb limits for the archive and its layers; the defaults when absent. */
  readonly limits?: DecompressLimits;
}

/** LoadResult lists the images loaded, each with its familiar tags (`busybox:latest`). */
export interface LoadResult {
  readonly loaded: Array<{ id: Digest; refs: string[] }>;
}

/**
 * loadImages loads the images of an archive as `docker load` does: `docker save` output of any Docker version
 * (legacy `<id>/layer.tar` layout, or the OCI layout Docker 25+ writes) or a plain OCI image layout, gzip or zstd
 * compressed or not. Every file is stored as it streams in, under a lease; then every image is validated and its
 * layers unpacked; only then are records and tags written, so a failure leaves no image, half-loaded or not.
 * Loading an image that exists re-tags it. Publishes `load` per image and `tag` per reference that moved.
 * The messages Docker prints (`Loaded image: ...`) are the caller's to write, from the result. `archive` is never
 * destroyed: after a failure it may be partly read, and the caller (the HTTP server) decides how to close it.
 */
export async function loadImages(deps: ImageDeps, archive: Readable, opts: LoadOptions = {}): Promise<LoadResult> {
  const lease = deps.images.lease();
  try {
    const contents = await readArchive(deps.content, decompress(archive, opts.limits), withSignal({ lease }, opts.signal));
    const plans = await planArchiveImages(deps.content, contents);
    const records: ImageRecord[] = [];
    for (const plan of plans) records.push(await unpackImage(deps, plan, lease, opts));
    return await commit(deps, plans, records);
  } finally {
    lease.release();
  }
}

async function unpackImage(deps: ImageDeps, plan: ImageLoadPlan, lease: Lease, opts: LoadOptions): Promise<ImageRecord> {
  lease.add(plan.config);
  if (plan.manifestDigest !== undefined) lease.add(plan.manifestDigest);
  const layers: LayerRecord[] = [];
  let parent: Digest | undefined;
  for (const l of plan.layers) {
    opts.signal?.throwIfAborted();
    const total = (await deps.content.info(l.blob))?.size ?? 0;
    const id = shortId(l.diffId);
    opts.onProgress?.({ status: 'Loading layer', id, progressDetail: { current: 0, total } });
    const unpackOpts = { lease, diffId: l.diffId, ...(parent === undefined ? {} : { parent }), ...(l.mediaType === undefined ? {} : { mediaType: l.mediaType }) };
    const { layer, chainId } = await unpackStoredLayer(deps, l.blob, withLimits(withSignal(unpackOpts, opts.signal), opts.limits));
    opts.onProgress?.({ status: 'Loading layer', id, progressDetail: { current: total, total } });
    layers.push(layer);
    parent = chainId;
  }
  const existing = await deps.images.get(plan.config);
  const manifestDigest = plan.manifestDigest ?? existing?.manifestDigest;
  const imageParent = plan.parent ?? existing?.parent;
  return {
    id: plan.config,
    layers,
    ...(manifestDigest === undefined ? {} : { manifestDigest }),
    ...(imageParent === undefined ? {} : { parent: imageParent }),
    addedAt: existing?.addedAt ?? new Date().toISOString(),
  };
}

async function commit(deps: ImageDeps, plans: readonly ImageLoadPlan[], records: readonly ImageRecord[]): Promise<LoadResult> {
  // Parents first, so an image never names a parent that is not there yet.
  for (const record of records) await deps.images.put(record);
  const loaded: Array<{ id: Digest; refs: string[] }> = [];
  for (const [i, plan] of plans.entries()) {
    const refs: string[] = [];
    for (const tag of plan.tags) {
      const before = await deps.images.resolveReference(tag);
      await deps.images.setReference(tag, plan.config);
      refs.push(familiarString(tag));
      if (before !== plan.config) publishTag(deps, plan.config, tag);
    }
    loaded.push({ id: records[i]?.id ?? plan.config, refs });
  }
  for (const { id } of loaded) {
    // compat: Docker names the image by its ID in load events (tarexport LogImageEvent(id, id, "load")).
    deps.events.publish({ type: 'image', action: 'load', actor: { id, attributes: { name: id } } });
  }
  return { loaded };
}

function publishTag(deps: ImageDeps, id: Digest, tag: Reference): void {
  deps.events.publish({ type: 'image', action: 'tag', actor: { id, attributes: { name: familiarString(tag) } } });
}

function withSignal<T extends object>(o: T, signal: AbortSignal | undefined): T & { signal?: AbortSignal } {
  return signal === undefined ? o : { ...o, signal };
}

function withLimits<T extends object>(o: T, limits: DecompressLimits | undefined): T & { limits?: DecompressLimits } {
  return limits === undefined ? o : { ...o, limits };
}
