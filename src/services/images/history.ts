import type { Digest } from '../../common/digest.js';
import { internal } from '../../common/errors.js';
import type { ImageRecord } from '../../core/image/image-store.js';
import { resolveImage } from '../../core/image/resolve.js';
import { isTagged, type ImageServiceDeps } from './image-reader.js';
import { familiarString } from '../../common/reference.js';

/** HistoryItem is one row of `docker history`, newest first. */
export interface HistoryItem {
  /** The image ID for rows that are a local image, `<missing>` for the others. */
  readonly id: Digest | '<missing>';
  readonly created?: Date;
  readonly createdBy: string;
  /** Tags of the image the row is; undefined (JSON null, as dockerd) when it has none or is `<missing>`. */
  readonly tags?: readonly string[];
  readonly size: number;
  readonly comment: string;
}

function parseTime(s: string | undefined): Date | undefined {
  if (s === undefined) return undefined;
  const t = new Date(s);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

async function tagsOf(deps: ImageServiceDeps, id: Digest): Promise<string[] | undefined> {
  const tags = (await deps.images.references(id)).map((e) => e.ref).filter(isTagged).map(familiarString);
  return tags.length === 0 ? undefined : tags;
}

/**
 * imageHistory is `GET /images/{name}/history`: one row per history entry of the config, newest first, each
 * non-empty entry sized by its layer. Rows are attributed to the image and then to its local parents (build and
 * commit record them); the rest are `<missing>`, as in dockerd.
 */
export async function imageHistory(deps: ImageServiceDeps, name: string): Promise<HistoryItem[]> {
  const record = await resolveImage(deps.images, name);
  const config = await deps.reader.config(record);
  const sizes = await deps.reader.layerSizes(record);
  const rows: { id: Digest | '<missing>'; created?: Date; createdBy: string; tags?: readonly string[]; size: number; comment: string }[] = [];
  let layer = 0;
  for (const h of config.history ?? []) {
    let size = 0;
    if (h.empty_layer !== true) {
      if (layer >= sizes.length) throw internal('WHARF_BAD_IMAGE_HISTORY', 'too many non-empty layers in History section');
      size = sizes[layer++] as number;
    }
    rows.unshift({ id: '<missing>', created: parseTime(h.created), createdBy: h.created_by ?? '', size, comment: h.comment ?? '' });
  }
  let current: ImageRecord | undefined = record;
  for (const row of rows) {
    if (current === undefined) break;
    row.id = current.id;
    row.tags = await tagsOf(deps, current.id);
    current = current.parent === undefined ? undefined : await deps.images.get(current.parent);
  }
  return rows;
}
