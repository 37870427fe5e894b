import type { Digest } from '../../common/digest.js';
import { invalidArgument, noSuchImage, notFound } from '../../common/errors.js';
import { familiarString, parseReference, repositoryName, withDefaultTag, type Reference } from '../../common/reference.js';
import type { ContentStore } from '../content/content-store.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import type { ImageConfig } from './oci.js';
import { MAX_CONFIG_BYTES, parseImageConfig } from './oci-validate.js';

const FULL_ID = /^(?:sha256:)?([a-f0-9]{64})$/;
const ID_PREFIX = /^(?:sha256:)?([a-f0-9]{1,64})$/;

/**
 * resolveImage finds the image a user-supplied name designates, in Docker's order (moby daemon/images GetImage):
 *
 * 1. a full ID, `sha256:<64 hex>` or `<64 hex>`;
 * 2. a reference, with `:latest` added when it has neither tag nor digest. A digest reference `name@sha256:...`
 *    matches a stored digest reference of that repository, or an image whose manifest digest it is and that has a
 *    reference in the same repository (containerd-store Docker: `busybox@sha256:x` never matches `other@sha256:x`);
 * 3. an ID prefix of any length, with or without `sha256:`. A prefix matching several images fails with NotFound
 *    (WHARF_AMBIGUOUS_IMAGE_ID), as Docker's image stores do (graphdriver: "No such image", containerd store:
 *    "ambiguous reference").
 *
 * A name that is no valid reference (e.g. `sha256:../x`) fails with InvalidArgument, as Docker answers it;
 * anything else not found fails with noSuchImage of the tag-completed reference, as dockerd words it.
 */
export async function resolveImage(images: ImageStore, name: string): Promise<ImageRecord> {
  const full = FULL_ID.exec(name);
  if (full !== null) {
    const record = await images.get(`sha256:${full[1] ?? ''}`);
    if (record === undefined) throw noSuchImage(name);
    return record;
  }
  const ref = withDefaultTag(parseReference(name));
  const byRef = ref.digest === undefined ? await byTag(images, ref) : await byDigestReference(images, ref, ref.digest);
  if (byRef !== undefined) return byRef;
  const prefix = ID_PREFIX.exec(name);
  if (prefix !== null) {
    const hex = prefix[1] ?? '';
    const matches = (await images.list()).filter((r) => r.id.startsWith(`sha256:${hex}`));
    if (matches.length > 1) {
      throw notFound('WHARF_AMBIGUOUS_IMAGE_ID', `ambiguous reference: ${name} matches ${matches.length} images`);
    }
    if (matches[0] !== undefined) return matches[0];
  }
  // compat: dockerd names the tag-completed reference ("No such image: busybox:latest"), as clients print it.
  throw noSuchImage(familiarString(ref));
}

async function byTag(images: ImageStore, ref: Reference): Promise<ImageRecord | undefined> {
  const id = await images.resolveReference(ref);
  return id === undefined ? undefined : images.get(id);
}

async function byDigestReference(images: ImageStore, ref: Reference, digest: Digest): Promise<ImageRecord | undefined> {
  // A tag next to the digest is ignored, as Docker does for `name:tag@digest`.
  const stored = await images.resolveReference({ domain: ref.domain, path: ref.path, digest });
  if (stored !== undefined) return images.get(stored);
  const repo = repositoryName(ref);
  for (const record of await images.list()) {
    if (record.manifestDigest !== digest) continue;
    const refs = await images.references(record.id);
    if (refs.some((e) => repositoryName(e.ref) === repo)) return record;
  }
  return undefined;
}

// Configs are immutable (an image's ID is their digest), so a small cache by ID is always right.
const CONFIG_CACHE_SIZE = 256;
const configCache = new Map<Digest, ImageConfig>();

/** readImageConfig reads and validates an image's config blob (cached by image ID). */
export async function readImageConfig(content: ContentStore, record: ImageRecord): Promise<ImageConfig> {
  const cached = configCache.get(record.id);
  if (cached !== undefined) return cached;
  const info = await content.info(record.id);
  if (info !== undefined && info.size > MAX_CONFIG_BYTES) {
    throw invalidArgument('WHARF_INVALID_IMAGE_CONFIG', `invalid image config: larger than ${MAX_CONFIG_BYTES} bytes`);
  }
  const config = parseImageConfig(await content.readBytes(record.id));
  if (configCache.size >= CONFIG_CACHE_SIZE) {
    const oldest = configCache.keys().next().value;
    if (oldest !== undefined) configCache.delete(oldest);
  }
  configCache.set(record.id, config);
  return config;
}
