import type { Digest } from '../../common/digest.js';
import { familiarName, familiarString, type Reference } from '../../common/reference.js';
import { chainIds } from '../../core/image/chain-id.js';
import type { ImageRecord } from '../../core/image/image-store.js';
import type { ImageConfig } from '../../core/image/oci.js';
import { readImageConfig } from '../../core/image/resolve.js';
import type { ImageDeps } from './image-deps.js';
import type { ImageUsers } from './image-users.js';

/** CACHE_LIMIT bounds each cache of ImageReader (entries, not bytes; configs are a few KB each). */
const CACHE_LIMIT = 2048;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  cache.set(key, value);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as K);
  return value;
}

/** ImageView is everything the list-like use-cases need to know about the image store at one moment. */
export interface ImageView {
  readonly records: readonly ImageRecord[];
  /** References of each image ID. */
  readonly refs: ReadonlyMap<Digest, readonly Reference[]>;
  /** Image IDs whose record names each image as parent. */
  readonly children: ReadonlyMap<Digest, readonly Digest[]>;
}

/** isTagged tells whether a reference is a tag (Docker's NamedTagged: a tag and no digest). */
export function isTagged(ref: Reference): boolean {
  return ref.tag !== undefined && ref.digest === undefined;
}

/** isCanonical tells whether a reference names a digest (Docker's Canonical). */
export function isCanonical(ref: Reference): boolean {
  return ref.digest !== undefined;
}

/** repoTagsOf returns the familiar tags (`busybox:latest`) among refs. */
export function repoTagsOf(refs: readonly Reference[]): string[] {
  return refs.filter(isTagged).map(familiarString);
}

/** repoDigestsOf returns the familiar repo digests (`busybox@sha256:...`) among refs. */
export function repoDigestsOf(refs: readonly Reference[]): string[] {
  return refs.filter(isCanonical).map((r) => `${familiarName(r)}@${r.digest as Digest}`);
}

/**
 * ImageReader reads what the image use-cases show (configs, layer sizes, who references what) from the stores.
 * Configs are immutable (their digest is the image ID) and a committed snapshot never changes size, so both are
 * cached; `images` with hundreds of images then costs no blob reads.
 */
export class ImageReader {
  readonly #deps: ImageDeps;
  readonly #configs = new Map<Digest, ImageConfig>();
  readonly #snapshotSizes = new Map<Digest, number>();

  constructor(deps: ImageDeps) {
    this.#deps = deps;
  }

  /** config returns the parsed image config of a record. */
  async config(record: ImageRecord): Promise<ImageConfig> {
    const cached = this.#configs.get(record.id);
    if (cached !== undefined) return cached;
    return remember(this.#configs, record.id, await readImageConfig(this.#deps.content, record));
  }

  /** layerSizes returns each layer's size on disk (its snapshot), or its blob size while it has no snapshot. */
  async layerSizes(record: ImageRecord): Promise<number[]> {
    const chains = chainIds(record.layers.map((l) => l.diffId));
    return Promise.all(
      record.layers.map(async (layer, i) => {
        const chain = chains[i] as Digest;
        const cached = this.#snapshotSizes.get(chain);
        if (cached !== undefined) return cached;
        const info = await this.#deps.snapshots.stat(chain);
        return info === undefined ? layer.size : remember(this.#snapshotSizes, chain, info.size);
      }),
    );
  }

  /** size is the image's total size: the sum of its layers. */
  async size(record: ImageRecord): Promise<number> {
    return (await this.layerSizes(record)).reduce((a, b) => a + b, 0);
  }

  /** view reads every record and reference once, indexed for the list-like use-cases. */
  async view(): Promise<ImageView> {
    const [records, entries] = await Promise.all([this.#deps.images.list(), this.#deps.images.references()]);
    const refs = new Map<Digest, Reference[]>();
    for (const e of entries) refs.set(e.imageId, [...(refs.get(e.imageId) ?? []), e.ref]);
    const children = new Map<Digest, Digest[]>();
    for (const r of records) if (r.parent !== undefined) children.set(r.parent, [...(children.get(r.parent) ?? []), r.id]);
    return { records, refs, children };
  }

  /** labelsOf returns an image's labels (empty when it has none). */
  async labelsOf(record: ImageRecord): Promise<Readonly<Record<string, string>>> {
    return (await this.config(record)).config?.Labels ?? {};
  }
}

/** ImageServiceDeps are what the image use-cases work on: the stores, a reader over them, and who uses images. */
export interface ImageServiceDeps extends ImageDeps {
  readonly reader: ImageReader;
  readonly users: ImageUsers;
}

/** createdOf parses an image config's `created`, or undefined when absent or unparsable. */
export function createdOf(config: ImageConfig): Date | undefined {
  if (config.created === undefined) return undefined;
  const t = new Date(config.created);
  return Number.isNaN(t.getTime()) ? undefined : t;
}
