import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { hexOf, type Digest } from '../../common/digest.js';
import { WharfError } from '../../common/errors.js';
import { familiarName, familiarString, formatReference, type Reference } from '../../common/reference.js';
import type { ContentStore } from '../content/content-store.js';
import type { ImageRecord } from './image-store.js';
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  MEDIA_TYPE_DOCKER_LAYER,
  MEDIA_TYPE_DOCKER_LAYER_FOREIGN,
  MEDIA_TYPE_DOCKER_LAYER_GZIP,
  MEDIA_TYPE_DOCKER_LAYER_ZSTD,
  MEDIA_TYPE_OCI_CONFIG,
  MEDIA_TYPE_OCI_INDEX,
  MEDIA_TYPE_OCI_LAYER,
  MEDIA_TYPE_OCI_LAYER_GZIP,
  MEDIA_TYPE_OCI_LAYER_NONDIST_GZIP,
  MEDIA_TYPE_OCI_LAYER_ZSTD,
  MEDIA_TYPE_OCI_MANIFEST,
  OCI_LAYOUT_FILE,
  type Descriptor,
} from './oci.js';
import { MAX_MANIFEST_BYTES, parseManifest } from './oci-validate.js';

/** ArchiveImage is one image to save and the tags (tagged references) to save it under. */
export interface ArchiveImage {
  readonly record: ImageRecord;
  readonly tags: readonly Reference[];
}

/** DockerArchivePlan is everything a `docker save` archive holds, decided before the first byte is written. */
export interface DockerArchivePlan {
  /** Blobs by digest: small ones (created manifests) in memory, the rest streamed from the content store. */
  readonly blobs: ReadonlyMap<Digest, { readonly size: number; readonly bytes?: Buffer }>;
  /** Root files in the order they are written: index.json, manifest.json, oci-layout, repositories. */
  readonly files: ReadonlyArray<readonly [string, Buffer]>;
}

// compat: the OCI media type `docker save` (Docker 25+) gives each kind of layer blob it writes.
const OCI_LAYER_TYPE: Readonly<Record<string, string>> = {
  [MEDIA_TYPE_DOCKER_LAYER]: MEDIA_TYPE_OCI_LAYER,
  [MEDIA_TYPE_DOCKER_LAYER_GZIP]: MEDIA_TYPE_OCI_LAYER_GZIP,
  [MEDIA_TYPE_DOCKER_LAYER_ZSTD]: MEDIA_TYPE_OCI_LAYER_ZSTD,
  [MEDIA_TYPE_DOCKER_LAYER_FOREIGN]: MEDIA_TYPE_OCI_LAYER_NONDIST_GZIP,
};

const blobPath = (d: Digest): string => `blobs/sha256/${hexOf(d)}`;

/**
 * planDockerArchive lays out the archive `docker save` (Docker 25+) writes for these images: an OCI image layout
 * (oci-layout, index.json naming each tag with containerd's and OCI's annotations, blobs/sha256/<hex>) plus the
 * manifest.json and repositories files older `docker load` versions read. Config and layer blobs are written as
 * stored, so image IDs survive a save and load. An image's manifest is the one it arrived with when that still
 * describes it, else a new OCI manifest. Fails (WHARF_IMAGE_CONTENT_MISSING) before anything is written when a
 * blob is missing.
 */
export async function planDockerArchive(content: ContentStore, images: readonly ArchiveImage[]): Promise<DockerArchivePlan> {
  const blobs = new Map<Digest, { size: number; bytes?: Buffer }>();
  const index: Descriptor[] = [];
  const manifestJson: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { record, tags } of images) {
    blobs.set(record.id, { size: await sizeOf(content, record.id, record) });
    for (const l of record.layers) blobs.set(l.blob, { size: await sizeOf(content, l.blob, record) });
    const manifest = await manifestFor(content, record, blobs);
    blobs.set(manifest.digest, manifest.bytes === undefined ? { size: manifest.size } : { size: manifest.size, bytes: manifest.bytes });
    const desc: Descriptor = { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size };
    if (tags.length === 0) index.push(desc);
    for (const tag of tags) {
      index.push({ ...desc, annotations: { [ANNOTATION_IMAGE_NAME]: formatReference(tag), [ANNOTATION_REF_NAME]: tag.tag ?? '' } });
      const top = record.layers.at(-1);
      if (top !== undefined && tag.tag !== undefined) (repositories[familiarName(tag)] ??= {})[tag.tag] = hexOf(top.diffId);
    }
    manifestJson.push({
      Config: blobPath(record.id),
      RepoTags: tags.length === 0 ? null : tags.map((t) => familiarString(t)),
      Layers: record.layers.map((l) => blobPath(l.blob)),
    });
  }
  const files: Array<[string, Buffer]> = [
    ['index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_INDEX, manifests: index }))],
    ['manifest.json', Buffer.from(`${JSON.stringify(manifestJson)}\n`)],
    ['oci-layout', Buffer.from(OCI_LAYOUT_FILE)],
  ];
  if (Object.keys(repositories).length > 0) files.push(['repositories', Buffer.from(`${JSON.stringify(repositories)}\n`)]);
  return { blobs, files };
}

async function sizeOf(content: ContentStore, digest: Digest, record: ImageRecord): Promise<number> {
  const info = await content.info(digest);
  if (info === undefined) {
    throw new WharfError('FailedPrecondition', 'WHARF_IMAGE_CONTENT_MISSING', `image ${record.id}: blob ${digest} is missing`);
  }
  return info.size;
}

async function manifestFor(
  content: ContentStore,
  record: ImageRecord,
  blobs: ReadonlyMap<Digest, { size: number }>,
): Promise<{ digest: Digest; size: number; mediaType: string; bytes?: Buffer }> {
  const stored = await storedManifest(content, record);
  if (stored !== undefined) return stored;
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_OCI_MANIFEST,
      config: { mediaType: MEDIA_TYPE_OCI_CONFIG, digest: record.id, size: blobs.get(record.id)?.size ?? 0 },
      layers: record.layers.map((l) => ({ mediaType: OCI_LAYER_TYPE[l.mediaType] ?? l.mediaType, digest: l.blob, size: blobs.get(l.blob)?.size ?? l.size })),
    }),
  );
  const digest: Digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return { digest, size: bytes.length, mediaType: MEDIA_TYPE_OCI_MANIFEST, bytes };
}

/** storedManifest returns the record's own manifest when it is stored and still describes exactly this image. */
async function storedManifest(content: ContentStore, record: ImageRecord): Promise<{ digest: Digest; size: number; mediaType: string } | undefined> {
  if (record.manifestDigest === undefined) return undefined;
  const info = await content.info(record.manifestDigest);
  if (info === undefined || info.size > MAX_MANIFEST_BYTES) return undefined;
  try {
    const m = parseManifest(await content.readBytes(record.manifestDigest));
    const same = m.config.digest === record.id && m.layers.length === record.layers.length && m.layers.every((l, i) => l.digest === record.layers[i]?.blob);
    return same ? { digest: record.manifestDigest, size: info.size, mediaType: m.mediaType ?? MEDIA_TYPE_OCI_MANIFEST } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * writeDockerArchive streams a planned archive as a tar, in the order Docker's own tar walk produces (blobs by
 * digest, then the root files), with mtime 0 so that saving the same images twice gives the same bytes.
 * Destroying the returned stream stops the writing; errors (e.g. a blob vanishing) destroy it.
 */
export function writeDockerArchive(content: ContentStore, plan: DockerArchivePlan, signal?: AbortSignal): Readable {
  const pack = tar.pack();
  const out = Readable.from(pack);
  const abort = (): void => {
    out.destroy(signal?.reason instanceof Error ? signal.reason : new Error('save aborted'));
  };
  signal?.addEventListener('abort', abort, { once: true });
  out.once('close', () => signal?.removeEventListener('abort', abort));
  void (async (): Promise<void> => {
    await addEntry(pack, { name: 'blobs/', type: 'directory', mode: 0o755 });
    await addEntry(pack, { name: 'blobs/sha256/', type: 'directory', mode: 0o755 });
    for (const [digest, blob] of [...plan.blobs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (out.destroyed) return;
      if (blob.bytes !== undefined) await addEntry(pack, { name: blobPath(digest), mode: 0o644, size: blob.size }, blob.bytes);
      else await streamEntry(pack, { name: blobPath(digest), mode: 0o644, size: blob.size }, content.readStream(digest));
    }
    for (const [name, bytes] of plan.files) await addEntry(pack, { name, mode: 0o644, size: bytes.length }, bytes);
    pack.finalize();
  })().catch((err: unknown) => {
    out.destroy(err as Error);
    pack.destroy(err as Error);
  });
  return out;
}

type EntryHeader = { name: string; mode: number; size?: number; type?: 'file' | 'directory' };

function addEntry(pack: tar.Pack, header: EntryHeader, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const full = { ...header, mtime: new Date(0), uid: 0, gid: 0 };
    const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (body === undefined) pack.entry(full, cb);
    else pack.entry(full, body, cb);
  });
}

async function streamEntry(pack: tar.Pack, header: EntryHeader, source: Readable): Promise<void> {
  let settle: (err?: Error | null) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  done.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
  const sink = pack.entry({ ...header, mtime: new Date(0), uid: 0, gid: 0 }, (err) => settle(err));
  try {
    for await (const chunk of source) {
      if (sink.write(chunk as Buffer)) continue;
      await new Promise<void>((resolve) => {
        const go = (): void => {
          sink.off('drain', go);
          sink.off('close', go);
          resolve();
        };
        sink.on('drain', go);
        sink.on('close', go);
      });
      if (sink.destroyed) throw new Error('archive writer closed');
    }
    sink.end(undefined);
    await done;
  } finally {
    source.destroy();
  }
}
