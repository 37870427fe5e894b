// TEST-ONLY: puts images straight into test stores. Nothing outside *.test.ts files may import this module.
import type { Digest } from '../../../common/digest.js';
import type { ContentStore } from '../../content/content-store.js';
import type { Snapshotter } from '../../snapshot/snapshotter.js';
import { nextChainId } from '../chain-id.js';
import type { ImageRecord, ImageStore } from '../image-store.js';
import { MEDIA_TYPE_OCI_LAYER } from '../oci.js';
import { configFor, makeLayer, sha256, streamOf } from './fixtures.js';

/** seedImage stores layers (plain tars), snapshots and a config, then commits the record. */
export async function seedImage(
  deps: { content: ContentStore; snapshots: Snapshotter; images: ImageStore },
  layers: ReadonlyArray<Record<string, string>>,
  extra: Record<string, unknown> = {},
): Promise<ImageRecord> {
  const records = [];
  let parent: Digest | undefined;
  for (const files of layers) {
    const tar = await makeLayer(files);
    const diffId = sha256(tar);
    await deps.content.put(tar);
    const chain = nextChainId(parent, diffId);
    await deps.snapshots.apply(chain, parent, streamOf(tar), { diffId });
    parent = chain;
    records.push({ diffId, blob: diffId, mediaType: MEDIA_TYPE_OCI_LAYER, size: tar.length });
  }
  const config = await deps.content.put(configFor(records.map((r) => r.diffId), extra));
  const record: ImageRecord = { id: config.digest, layers: records, addedAt: new Date().toISOString() };
  await deps.images.put(record);
  return record;
}
