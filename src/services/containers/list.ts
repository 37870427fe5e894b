import type { Digest } from '../../common/digest.js';
import { invalidArgument } from '../../common/errors.js';
import { resolveImage } from '../../core/image/resolve.js';
import { FilterArgs } from '../filters/filter-args.js';
import { CONTAINER_STATUSES, type ContainerRecord } from './container-record.js';
import type { EngineContext } from './engine-context.js';
import { containerSizes, type ContainerSizes } from './size.js';

/** LIST_FILTERS are the filter keys `GET /containers/json` accepts (dockerd's acceptedPsFilterTags). */
export const LIST_FILTERS = [
  'ancestor', 'before', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish',
  'since', 'status', 'volume', 'expose',
] as const;

const HEALTH_VALUES = ['starting', 'healthy', 'unhealthy', 'none'];

/** ListOptions are the parameters of `GET /containers/json`. */
export interface ListOptions {
  readonly all?: boolean;
  /** Only the `limit` newest containers (any state); 0 or absent for no limit. */
  readonly limit?: number;
  /** Measure SizeRw and SizeRootFs. */
  readonly size?: boolean;
  readonly filters?: FilterArgs;
}

/** ContainerListItem is one container of a list, with its sizes when asked for. */
export interface ContainerListItem {
  readonly record: ContainerRecord;
  readonly sizes?: ContainerSizes;
}

const badFilter = (text: string): Error => invalidArgument('WHARF_INVALID_FILTER', text);

function checkFilterValues(filters: FilterArgs): void {
  filters.validate(LIST_FILTERS);
  for (const v of filters.get('status')) {
    if (!(CONTAINER_STATUSES as readonly string[]).includes(v)) throw badFilter(`invalid filter 'status=${v}'`);
  }
  for (const v of filters.get('health')) {
    if (!HEALTH_VALUES.includes(v)) throw badFilter(`Unrecognised filter value for health: ${v}`);
  }
  for (const v of filters.get('exited')) {
    if (!/^-?\d+$/.test(v)) throw badFilter(`invalid filter 'exited=${v}'`);
  }
}

/** nameMatches applies a `name` filter value as dockerd does: a regular expression searched in "/<name>". */
function nameMatches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(`/${name}`);
  } catch {
    return `/${name}`.includes(pattern);
  }
}

async function ancestorIds(ctx: EngineContext, values: readonly string[]): Promise<Set<Digest>> {
  const ids = new Set<Digest>();
  for (const v of values) {
    try {
      ids.add((await resolveImage(ctx.images, v)).id);
    } catch {
      // compat: dockerd skips an ancestor it cannot resolve (and then matches nothing through it).
    }
  }
  // Images built on top of a matched image count as its descendants.
  let grew = ids.size > 0;
  const all = grew ? await ctx.images.list() : [];
  while (grew) {
    grew = false;
    for (const r of all) {
      if (r.parent !== undefined && ids.has(r.parent) && !ids.has(r.id)) {
        ids.add(r.id);
        grew = true;
      }
    }
  }
  return ids;
}

function createdOf(ctx: EngineContext, key: 'before' | 'since', filters: FilterArgs): string | undefined {
  const ref = filters.get(key)[0];
  return ref === undefined ? undefined : ctx.store.get(ref).created;
}

/** matcher builds the predicate of a list's filters (everything but size and limit). */
async function matcher(ctx: EngineContext, filters: FilterArgs, all: boolean): Promise<(r: ContainerRecord) => boolean> {
  checkFilterValues(filters);
  const before = createdOf(ctx, 'before', filters);
  const since = createdOf(ctx, 'since', filters);
  const ancestors = filters.contains('ancestor') ? await ancestorIds(ctx, filters.get('ancestor')) : undefined;
  const showAll = all || filters.contains('status');
  const names = filters.get('name');
  const exited = filters.get('exited').map(Number);
  return (r) => {
    const s = r.state.status;
    if (!showAll && s !== 'running' && s !== 'paused' && s !== 'restarting') return false;
    if (!filters.fuzzyMatch('id', r.id)) return false;
    if (names.length > 0 && !names.some((n) => nameMatches(n, r.name))) return false;
    if (!filters.exactMatch('status', s)) return false;
    if (!filters.matchKVList('label', r.config.labels)) return false;
    if (!filters.exactMatch('health', r.state.health?.status ?? 'none')) return false;
    if (!filters.exactMatch('network', r.spec.network.mode)) return false;
    if (filters.getBool('is-task', false)) return false;
    if (exited.length > 0 && (s === 'running' || s === 'paused' || r.state.startedAt.startsWith('0001') || !exited.includes(r.state.exitCode))) return false;
    if (before !== undefined && r.created >= before) return false;
    if (since !== undefined && r.created <= since) return false;
    if (ancestors !== undefined && !ancestors.has(r.imageId)) return false;
    return true;
  };
}

/**
 * listContainers is `GET /containers/json`: running containers (all with `all`, a status filter, or a limit),
 * newest first, filtered with dockerd's rules (id prefix, name regexp, label, status, ancestor with its
 * descendants, exited code, before/since a container, health, network), with sizes when asked.
 */
export async function listContainers(ctx: EngineContext, opts: ListOptions = {}): Promise<ContainerListItem[]> {
  const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : undefined;
  const match = await matcher(ctx, opts.filters ?? FilterArgs.of(), opts.all === true || limit !== undefined);
  let records = ctx.store.list().filter(match);
  if (limit !== undefined) records = records.slice(0, limit);
  if (opts.size !== true) return records.map((record) => ({ record }));
  return Promise.all(records.map(async (record) => ({ record, sizes: await containerSizes(ctx, record) })));
}
