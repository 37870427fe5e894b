import { conflict, invalidArgument, isConflict, kindOf } from '../../common/errors.js';
import { formatReference } from '../../common/reference.js';
import type { ImageRecord } from '../../core/image/image-store.js';
import { FilterArgs } from '../filters/filter-args.js';
import { parseTimestamp } from '../filters/timestamp.js';
import { createdOf, isTagged, type ImageServiceDeps, type ImageView } from './image-reader.js';
import { removeImageNoGc, type DeleteItem } from './remove.js';

/** IMAGE_PRUNE_FILTERS are the filter keys `POST /images/prune` accepts. */
export const IMAGE_PRUNE_FILTERS = ['dangling', 'label', 'label!', 'until'] as const;

/** PruneReport is what `POST /images/prune` answers. */
export interface PruneReport {
  readonly deleted: readonly DeleteItem[];
  /** Bytes the garbage collection freed. */
  readonly spaceReclaimed: number;
}

/** PruneOptions are the parameters of `POST /images/prune`. */
export interface PruneOptions {
  readonly filters?: FilterArgs;
  readonly now?: Date;
  readonly signal?: AbortSignal;
  /** Hears about images a prune could not remove for another reason than a conflict. */
  readonly onWarning?: (message: string) => void;
}

function untilOf(filters: FilterArgs, now: Date): Date | undefined {
  const values = filters.get('until');
  if (values.length === 0) return undefined;
  if (values.length > 1) throw invalidArgument('WHARF_INVALID_FILTER', 'more than one until filter specified');
  return parseTimestamp(values[0] as string, now, 'until');
}

/** candidates picks the images a prune tries to remove, with dockerd's rules (daemon/images/image_prune.go). */
async function candidates(deps: ImageServiceDeps, view: ImageView, filters: FilterArgs, danglingOnly: boolean, until: Date | undefined): Promise<ImageRecord[]> {
  const out: ImageRecord[] = [];
  for (const record of view.records) {
    const hasChildren = (view.children.get(record.id)?.length ?? 0) > 0;
    if (danglingOnly && hasChildren) continue;
    // An untagged image other images are built on goes only with its last child.
    if ((view.refs.get(record.id)?.length ?? 0) === 0 && hasChildren) continue;
    const config = await deps.reader.config(record);
    const created = createdOf(config);
    if (until !== undefined && (created === undefined || created > until)) continue;
    const labels = config.config?.Labels ?? {};
    if (!filters.matchKVList('label', labels)) continue;
    if (filters.contains('label!') && filters.matchKVList('label!', labels)) continue;
    out.push(record);
  }
  return out;
}

/** ImagePruner runs image prunes one at a time, as dockerd does ("a prune operation is already running"). */
export class ImagePruner {
  #running = false;
  readonly #deps: ImageServiceDeps;

  constructor(deps: ImageServiceDeps) {
    this.#deps = deps;
  }

  /**
   * prune removes unused images: by default only dangling ones (no tag), with dangling=false every image no
   * container uses. Images in conflict (children, containers) are skipped silently; the space is what the garbage
   * collection afterwards frees. A `prune` event carries the bytes reclaimed.
   */
  async prune(opts: PruneOptions = {}): Promise<PruneReport> {
    if (this.#running) throw conflict('WHARF_PRUNE_RUNNING', 'a prune operation is already running');
    this.#running = true;
    try {
      return await this.#prune(opts);
    } finally {
      this.#running = false;
    }
  }

  async #prune(opts: PruneOptions): Promise<PruneReport> {
    const filters = opts.filters ?? FilterArgs.of();
    filters.validate(IMAGE_PRUNE_FILTERS);
    const danglingOnly = filters.getBool('dangling', true);
    const until = untilOf(filters, opts.now ?? new Date());
    const view = await this.#deps.reader.view();
    const deleted: DeleteItem[] = [];
    for (const record of await candidates(this.#deps, view, filters, danglingOnly, until)) {
      if (opts.signal?.aborted === true) break;
      const refs = view.refs.get(record.id) ?? [];
      if (refs.length === 0) deleted.push(...(await this.#tryRemove(record.id.slice('sha256:'.length), opts)));
      else if (!danglingOnly || !refs.some(isTagged)) {
        for (const ref of refs) deleted.push(...(await this.#tryRemove(formatReference(ref), opts)));
      }
    }
    const { bytes } = await this.#deps.images.garbageCollect();
    this.#deps.events.publish({ type: 'image', action: 'prune', actor: { id: '', attributes: { reclaimed: String(bytes) } } });
    return { deleted, spaceReclaimed: bytes };
  }

  async #tryRemove(name: string, opts: PruneOptions): Promise<DeleteItem[]> {
    try {
      return await removeImageNoGc(this.#deps, name, { force: false });
    } catch (err) {
      if (!isConflict(err) && kindOf(err) !== 'NotFound') opts.onWarning?.(`failed to prune image ${name}: ${(err as Error).message}`);
      return [];
    }
  }
}
