import { invalidArgument } from '../../common/errors.js';
import { FilterArgs } from '../filters/filter-args.js';
import { parseTimestamp } from '../filters/timestamp.js';
import type { EngineContext } from './engine-context.js';
import { removeContainer } from './remove.js';
import { directorySize } from './size.js';

/** CONTAINER_PRUNE_FILTERS are the filters `POST /containers/prune` accepts. */
export const CONTAINER_PRUNE_FILTERS = ['label', 'label!', 'until'] as const;

/** ContainerPruneReport is Docker's prune answer: the removed IDs and the bytes their own layers held. */
export interface ContainerPruneReport {
  readonly containersDeleted: readonly string[];
  readonly spaceReclaimed: number;
}

/**
 * pruneContainers is `POST /containers/prune`: remove every stopped container (created, exited, dead) created
 * before `until` and matching the `label` / `label!` filters; a container that cannot be removed is skipped and
 * reported through `onWarning`, as dockerd logs it.
 */
export async function pruneContainers(
  ctx: EngineContext,
  filters: FilterArgs = FilterArgs.of(),
  opts: { now?: Date; onWarning?: (message: string) => void } = {},
): Promise<ContainerPruneReport> {
  filters.validate(CONTAINER_PRUNE_FILTERS);
  const untils = filters.get('until');
  if (untils.length > 1) throw invalidArgument('WHARF_INVALID_FILTER', 'more than one until filter specified');
  const until = untils[0] === undefined ? undefined : parseTimestamp(untils[0], opts.now ?? new Date(), 'until');
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const r of ctx.store.list()) {
    const s = r.state.status;
    if (s !== 'created' && s !== 'exited' && s !== 'dead') continue;
    if (until !== undefined && new Date(r.created) > until) continue;
    if (!filters.matchKVList('label', r.config.labels)) continue;
    if (filters.contains('label!') && filters.matchKVList('label!', r.config.labels)) continue;
    const size = await directorySize(r.paths.upper);
    try {
      await removeContainer(ctx, r.id, {});
    } catch (err) {
      opts.onWarning?.(`could not prune container ${r.id}: ${(err as Error).message}`);
      continue;
    }
    deleted.push(r.id);
    reclaimed += size;
  }
  // compat: dockerd sends a prune event even when nothing was removed.
  ctx.events.publish({ type: 'container', action: 'prune', actor: { id: '', attributes: { reclaimed: String(reclaimed) } } });
  return { containersDeleted: deleted, spaceReclaimed: reclaimed };
}
