import { hexOf, isDigest, type Digest } from '../../common/digest.js';
import { parseReference, type Reference } from '../../common/reference.js';
import type { ContentStore } from '../content/content-store.js';
import { invalidArchive, resolveArchiveFile, type ArchiveContents, type ArchiveFile } from './docker-archive-reader.js';
import { JsonChecker } from './json-check.js';
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  CONFIG_MEDIA_TYPES,
  INDEX_MEDIA_TYPES,
  LAYER_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  type Descriptor,
  type ImageConfig,
  type Manifest,
} from './oci.js';
import { checkLayerCount, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, parseImageConfig, parseIndex, parseManifest } from './oci-validate.js';
import { checkOs, hostPlatform, platformMatches, type PlatformSpec } from './platform.js';

/** LayerPlan is one layer of an image found in an archive: the stored blob and the diff ID it must unpack to. */
export interface LayerPlan {
  readonly blob: Digest;
  readonly diffId: Digest;
  /** From the archive's OCI manifest when it has one; otherwise detected when unpacking. */
  readonly mediaType?: string;
}

/** ImageLoadPlan is one image an archive holds, validated but not yet unpacked or visible. */
export interface ImageLoadPlan {
  /** The config blob's digest: the image ID. */
  readonly config: Digest;
  readonly imageConfig: ImageConfig;
  readonly layers: readonly LayerPlan[];
  /** Tagged references to point at the image. */
  readonly tags: readonly Reference[];
  readonly manifestDigest?: Digest;
  /** Parent image ID, kept only when that image is in the same archive (Docker's validatedParentLinks). */
  readonly parent?: Digest;
}

interface IndexedManifest {
  readonly digest: Digest;
  readonly manifest: Manifest;
  readonly names: readonly Reference[];
}

const MAX_ITEMS = 10_000;
const MAX_INDEX_DEPTH = 4;

/**
 * planArchiveImages works out which images a read archive holds. manifest.json (every `docker save` since Docker
 * 1.10) wins when present, with index.json only lending manifest digests and layer media types; an OCI layout with
 * index.json alone is read through its manifests (for a multi-platform index, the entry for `platform`, else the
 * first image). Every path must resolve inside the archive and every config must validate, or the whole load fails.
 */
export async function planArchiveImages(content: ContentStore, contents: ArchiveContents, platform: PlatformSpec = hostPlatform()): Promise<ImageLoadPlan[]> {
  const manifestJson = contents.rootJson.get('manifest.json');
  const indexJson = contents.rootJson.get('index.json');
  const indexed = indexJson === undefined ? [] : await indexedManifests(content, contents, indexJson, platform);
  let plans: ImageLoadPlan[];
  if (manifestJson !== undefined) plans = await fromManifestJson(content, contents, manifestJson, indexed);
  else if (indexJson !== undefined) plans = await fromIndex(content, contents, indexed);
  else throw invalidArchive('does not contain a manifest.json or index.json');
  return mergeByConfig(plans);
}

async function fromManifestJson(content: ContentStore, contents: ArchiveContents, bytes: Buffer, indexed: readonly IndexedManifest[]): Promise<ImageLoadPlan[]> {
  const c = new JsonChecker('WHARF_INVALID_ARCHIVE', 'archive: manifest.json');
  const parsed = c.parse(bytes, MAX_MANIFEST_BYTES);
  // compat: Docker's wording (image/tarexport/load.go).
  if (parsed === null) c.fail('', 'invalid manifest, manifest cannot be null (but can be [])');
  const plans: ImageLoadPlan[] = [];
  for (const [i, item] of c.array(parsed, '', MAX_ITEMS).entries()) {
    const o = c.object(item, `[${i}]`);
    const configFile = resolveArchiveFile(contents, c.string(o['Config'], `[${i}].Config`, 4096));
    const imageConfig = await readConfig(content, configFile);
    const layerPaths = c.optStringArray(o['Layers'], `[${i}].Layers`, 10_000) ?? [];
    checkLayerCount(imageConfig, layerPaths.length);
    const blobs = layerPaths.map((p) => resolveArchiveFile(contents, p).digest);
    const match = indexed.find(
      (m) => m.manifest.config.digest === configFile.digest && m.manifest.layers.length === blobs.length && m.manifest.layers.every((l, li) => l.digest === blobs[li]),
    );
    const layers = blobs.map((blob, li): LayerPlan => {
      const mediaType = match?.manifest.layers[li]?.mediaType;
      const diffId = imageConfig.rootfs.diff_ids[li] as Digest;
      return mediaType !== undefined && LAYER_MEDIA_TYPES.includes(mediaType) ? { blob, diffId, mediaType } : { blob, diffId };
    });
    const tags = (c.optStringArray(o['RepoTags'], `[${i}].RepoTags`, 10_000) ?? []).map(repoTag);
    const parent = c.optString(o['Parent'], `[${i}].Parent`, 100);
    plans.push({
      config: configFile.digest,
      imageConfig,
      layers,
      tags,
      ...(match === undefined ? {} : { manifestDigest: match.digest }),
      ...(parent !== undefined && isDigest(parent) ? { parent } : {}),
    });
  }
  return plans;
}

async function fromIndex(content: ContentStore, contents: ArchiveContents, indexed: readonly IndexedManifest[]): Promise<ImageLoadPlan[]> {
  const plans: ImageLoadPlan[] = [];
  for (const { digest, manifest, names } of indexed) {
    const imageConfig = await readConfig(content, namedBlob(contents, manifest.config.digest));
    checkLayerCount(imageConfig, manifest.layers.length);
    const layers = manifest.layers.map((l, li): LayerPlan => {
      if (!LAYER_MEDIA_TYPES.includes(l.mediaType)) throw invalidArchive(`layer ${l.digest} has unsupported media type ${JSON.stringify(l.mediaType)}`);
      return { blob: namedBlob(contents, l.digest).digest, diffId: imageConfig.rootfs.diff_ids[li] as Digest, mediaType: l.mediaType };
    });
    plans.push({ config: manifest.config.digest, imageConfig, layers, tags: names, manifestDigest: digest });
  }
  return plans;
}

/** indexedManifests reads the image manifests index.json leads to, with the names its annotations give them. */
async function indexedManifests(content: ContentStore, contents: ArchiveContents, bytes: Buffer, platform: PlatformSpec): Promise<IndexedManifest[]> {
  const out: IndexedManifest[] = [];
  const walk = async (desc: Descriptor, names: readonly Reference[], depth: number): Promise<void> => {
    if (MANIFEST_MEDIA_TYPES.includes(desc.mediaType)) {
      const manifest = parseManifest(await readBlob(content, contents, desc.digest, MAX_MANIFEST_BYTES));
      // Artifacts (attestations, signatures) are no images.
      if (CONFIG_MEDIA_TYPES.includes(manifest.config.mediaType)) out.push({ digest: desc.digest, manifest, names });
    } else if (INDEX_MEDIA_TYPES.includes(desc.mediaType)) {
      if (depth >= MAX_INDEX_DEPTH) throw invalidArchive('image indexes nested too deeply');
      const child = parseIndex(await readBlob(content, contents, desc.digest, MAX_MANIFEST_BYTES));
      const chosen = choosePlatform(child.manifests, platform);
      if (chosen !== undefined) await walk(chosen, names, depth + 1);
    }
  };
  for (const desc of parseIndex(bytes).manifests) await walk(desc, namesOf(desc), 0);
  return out;
}

function choosePlatform(manifests: readonly Descriptor[], platform: PlatformSpec): Descriptor | undefined {
  const images = manifests.filter(
    (m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' && m.platform?.os !== 'unknown' && (MANIFEST_MEDIA_TYPES.includes(m.mediaType) || INDEX_MEDIA_TYPES.includes(m.mediaType)),
  );
  return images.find((m) => m.platform !== undefined && platformMatches(m.platform, platform)) ?? images[0];
}

/** namesOf reads the tags an index entry carries: containerd's full name, or an OCI ref.name that is a full reference. */
function namesOf(desc: Descriptor): Reference[] {
  const full = desc.annotations?.[ANNOTATION_IMAGE_NAME];
  const refName = desc.annotations?.[ANNOTATION_REF_NAME];
  const candidate = full ?? (refName !== undefined && /[/:]/.test(refName) ? refName : undefined);
  if (candidate === undefined) return [];
  try {
    const ref = parseReference(candidate);
    return ref.tag !== undefined && ref.digest === undefined ? [ref] : [];
  } catch {
    return []; // a bare OCI tag or a name Docker would not accept either: load the image untagged
  }
}

function repoTag(s: string): Reference {
  const ref = parseReference(s);
  if (ref.tag === undefined || ref.digest !== undefined) throw invalidArchive(`invalid tag ${JSON.stringify(s)}`);
  return ref;
}

/** namedBlob finds blobs/sha256/<hex> in the archive and checks it holds that digest. */
function namedBlob(contents: ArchiveContents, digest: Digest): ArchiveFile {
  const file = resolveArchiveFile(contents, `blobs/sha256/${hexOf(digest)}`);
  if (file.digest !== digest) throw invalidArchive(`blobs/sha256/${hexOf(digest)} does not hold ${digest}`);
  return file;
}

async function readBlob(content: ContentStore, contents: ArchiveContents, digest: Digest, max: number): Promise<Buffer> {
  const file = namedBlob(contents, digest);
  if (file.size > max) throw invalidArchive(`blob ${digest} is larger than ${max} bytes`);
  return content.readBytes(file.digest);
}

async function readConfig(content: ContentStore, file: ArchiveFile): Promise<ImageConfig> {
  if (file.size > MAX_CONFIG_BYTES) throw invalidArchive(`image config ${file.digest} is larger than ${MAX_CONFIG_BYTES} bytes`);
  const config = parseImageConfig(await content.readBytes(file.digest));
  checkOs(config.os);
  return config;
}

/** mergeByConfig folds entries for the same image (one per tag in an OCI index) and drops parents not loaded too. */
function mergeByConfig(plans: readonly ImageLoadPlan[]): ImageLoadPlan[] {
  const byId = new Map<Digest, ImageLoadPlan>();
  for (const p of plans) {
    const seen = byId.get(p.config);
    byId.set(p.config, seen === undefined ? p : { ...seen, tags: [...seen.tags, ...p.tags], manifestDigest: seen.manifestDigest ?? p.manifestDigest });
  }
  return [...byId.values()].map((p) => {
    if (p.parent === undefined || (byId.has(p.parent) && p.parent !== p.config)) return dropUndefined(p);
    const { parent: _dropped, ...rest } = p;
    return dropUndefined(rest);
  });
}

function dropUndefined(p: ImageLoadPlan): ImageLoadPlan {
  if (p.manifestDigest !== undefined) return p;
  const { manifestDigest: _none, ...rest } = p;
  return rest;
}
