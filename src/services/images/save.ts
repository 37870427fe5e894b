import type { Readable } from 'node:stream';
import type { Digest } from '../../common/digest.js';
import { formatReference, parseReference, repositoryName, type Reference } from '../../common/reference.js';
import { planDockerArchive, writeDockerArchive, type ArchiveImage } from '../../core/image/docker-archive-writer.js';
import type { ImageRecord, ImageStore } from '../../core/image/image-store.js';
import { resolveImage } from '../../core/image/resolve.js';
import type { ImageDeps } from './image-deps.js';

const FULL_ID = /^(?:sha256:)?[a-f0-9]{64}$/;

/**
 * saveImages resolves every name first (so a bad name fails before any byte is sent), then returns the archive
 * `docker save` writes for those images, as one tar stream. Names follow Docker's rules (moby tarexport
 * parseNames): `name:tag` saves that tag; a bare repository name saves every tag of it; an ID, ID prefix or
 * digest reference saves the image without tags. The image blobs are leased until the stream ends, and a `save`
 * event is published per image.
 */
export async function saveImages(deps: ImageDeps, names: readonly string[], opts: { signal?: AbortSignal } = {}): Promise<Readable> {
  const selected = new Map<Digest, { record: ImageRecord; tags: Map<string, Reference> }>();
  const add = (record: ImageRecord, tag?: Reference): void => {
    const entry = selected.get(record.id) ?? { record, tags: new Map<string, Reference>() };
    selected.set(record.id, entry);
    if (tag !== undefined) entry.tags.set(formatReference(tag), tag);
  };
  for (const name of names) {
    for (const [record, tag] of await select(deps.images, name)) add(record, tag);
  }
  const images: ArchiveImage[] = [...selected.values()].map((e) => ({ record: e.record, tags: [...e.tags.values()] }));
  const lease = deps.images.lease();
  try {
    for (const { record } of images) {
      lease.add(record.id);
      if (record.manifestDigest !== undefined) lease.add(record.manifestDigest);
      for (const l of record.layers) lease.add(l.blob);
    }
    const plan = await planDockerArchive(deps.content, images);
    const out = writeDockerArchive(deps.content, plan, opts.signal);
    out.once('close', () => lease.release());
    for (const { record } of images) {
      // compat: Docker names the image by its ID in save events (tarexport LogImageEvent(id, id, "save")).
      deps.events.publish({ type: 'image', action: 'save', actor: { id: record.id, attributes: { name: record.id } } });
    }
    return out;
  } catch (err) {
    lease.release();
    throw err;
  }
}

/** select returns the images (and the tag to save each under, if any) that one name designates. */
async function select(images: ImageStore, name: string): Promise<Array<[ImageRecord, Reference | undefined]>> {
  const ref = FULL_ID.test(name) ? undefined : tryParse(name);
  if (ref !== undefined && ref.tag === undefined && ref.digest === undefined) {
    const repo = repositoryName(ref);
    const tagged = (await images.references()).filter((e) => e.ref.tag !== undefined && e.ref.digest === undefined && repositoryName(e.ref) === repo);
    const out: Array<[ImageRecord, Reference | undefined]> = [];
    for (const e of tagged) {
      const record = await images.get(e.imageId);
      if (record !== undefined) out.push([record, e.ref]);
    }
    if (out.length > 0) return out;
  }
  const record = await resolveImage(images, name);
  const isTag = ref?.tag !== undefined && ref.digest === undefined && (await images.resolveReference(ref)) === record.id;
  return [[record, isTag ? ref : undefined]];
}

function tryParse(name: string): Reference | undefined {
  try {
    return parseReference(name);
  } catch {
    return undefined;
  }
}
