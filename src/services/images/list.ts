import type { Digest } from '../../common/digest.js';
import { familiarName, familiarString, formatReference, repositoryName, withDefaultTag, type Reference } from '../../common/reference.js';
import { chainIds } from '../../core/image/chain-id.js';
import type { ImageRecord } from '../../core/image/image-store.js';
import { resolveImage } from '../../core/image/resolve.js';
import { FilterArgs } from '../filters/filter-args.js';
import { globToRegExp } from '../filters/glob.js';
import { parseTimestamp } from '../filters/timestamp.js';
import { createdOf, repoDigestsOf, repoTagsOf, type ImageServiceDeps, type ImageView } from './image-reader.js';

/** ImageSummary is one image as `docker images` shows it. */
export interface ImageSummary {
  readonly id: Digest;
  readonly parentId?: Digest;
  /** Familiar tags, e.g. `busybox:latest`. */
  readonly repoTags: readonly string[];
  /** Familiar repo digests, e.g. `busybox@sha256:...`. */
  readonly repoDigests: readonly string[];
  readonly created?: Date;
  readonly size: number;
  /** Bytes of layers this image shares with other images; undefined when not computed. */
  readonly sharedSize?: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Containers using the image; undefined when not computed. */
  readonly containers?: number;
}

/** IMAGE_LIST_FILTERS are the filter keys `GET /images/json` accepts. */
export const IMAGE_LIST_FILTERS = ['dangling', 'label', 'before', 'since', 'reference', 'until'] as const;

/** ListImagesOptions are the parameters of `GET /images/json`. */
export interface ListImagesOptions {
  /** Include untagged images other images are built on (intermediate images). */
  readonly all?: boolean;
  readonly filters?: FilterArgs;
  readonly sharedSize?: boolean;
  /** Count the containers using each image (what `system df` shows). */
  readonly containers?: boolean;
  /** The reference time for duration filters (`until=10m`); now by default. */
  readonly now?: Date;
}

/** createdBounds turns before/since/until filters into an exclusive time window, as dockerd does. */
async function createdBounds(deps: ImageServiceDeps, filters: FilterArgs, now: Date): Promise<{ before?: Date; since?: Date }> {
  let before: Date | undefined;
  let since: Date | undefined;
  const createdOfName = async (name: string): Promise<Date | undefined> =>
    createdOf(await deps.reader.config(await resolveImage(deps.images, name)));
  for (const value of filters.get('before')) {
    const t = await createdOfName(value);
    if (t !== undefined && (before === undefined || t < before)) before = t;
  }
  for (const value of filters.get('until')) {
    const t = parseTimestamp(value, now, 'until');
    if (before === undefined || t < before) before = t;
  }
  for (const value of filters.get('since')) {
    const t = await createdOfName(value);
    if (t !== undefined && (since === undefined || t > since)) since = t;
  }
  return { before, since };
}

/** referenceMatcher compiles the reference= patterns; a reference matches by familiar or full name, with or without tag. */
function referenceMatcher(filters: FilterArgs): ((ref: Reference) => boolean) | undefined {
  if (!filters.contains('reference')) return undefined;
  const patterns = filters.get('reference').map(globToRegExp);
  return (ref) => {
    const targets = [familiarString(ref), familiarName(ref), formatReference(withDefaultTag(ref)), repositoryName(ref)];
    return patterns.some((re) => targets.some((t) => re.test(t)));
  };
}

/** sharedSizes computes, per image, the bytes of its layers that at least one other image also uses. */
async function sharedSizes(deps: ImageServiceDeps, all: readonly ImageRecord[], ids: Iterable<Digest>): Promise<Map<Digest, number>> {
  const uses = new Map<Digest, number>();
  for (const r of all) for (const c of chainIds(r.layers.map((l) => l.diffId))) uses.set(c, (uses.get(c) ?? 0) + 1);
  const byId = new Map(all.map((r) => [r.id, r]));
  const out = new Map<Digest, number>();
  for (const id of ids) {
    const record = byId.get(id) as ImageRecord;
    const sizes = await deps.reader.layerSizes(record);
    const chains = chainIds(record.layers.map((l) => l.diffId));
    out.set(id, chains.reduce((sum, c, i) => sum + ((uses.get(c) ?? 0) > 1 ? (sizes[i] ?? 0) : 0), 0));
  }
  return out;
}

interface Selection {
  readonly view: ImageView;
  readonly all: boolean;
  readonly filters: FilterArgs;
  readonly danglingOnly: boolean;
  readonly matchRef: ((ref: Reference) => boolean) | undefined;
}

/** selectRefs applies dockerd's listing rules to one image; undefined means the image is not listed. */
function selectRefs(sel: Selection, id: Digest): { tags: string[]; digests: string[] } | undefined {
  const refs = (sel.view.refs.get(id) ?? []).filter((r) => sel.matchRef?.(r) ?? true);
  const tags = repoTagsOf(refs);
  const digests = repoDigestsOf(refs);
  if (tags.length === 0 && digests.length === 0) {
    // An untagged image another image is built on is an intermediate image: shown only with all=1.
    if (!sel.all && (sel.view.children.get(id)?.length ?? 0) > 0) return undefined;
    if (sel.filters.contains('dangling') && !sel.danglingOnly) return undefined;
    if (sel.matchRef !== undefined) return undefined;
  } else if (sel.danglingOnly && tags.length > 0) {
    return undefined;
  }
  return { tags, digests };
}

/**
 * listImages is `GET /images/json`: every image passing the filters (dangling, label, before, since, until,
 * reference as a Go glob), newest first. Unknown filter keys are `invalid filter 'x'`, as in dockerd.
 */
export async function listImages(deps: ImageServiceDeps, opts: ListImagesOptions = {}): Promise<ImageSummary[]> {
  const filters = opts.filters ?? FilterArgs.of();
  filters.validate(IMAGE_LIST_FILTERS);
  const danglingOnly = filters.getBool('dangling', false);
  const { before, since } = await createdBounds(deps, filters, opts.now ?? new Date());
  const view = await deps.reader.view();
  const sel: Selection = { view, all: opts.all ?? false, filters, danglingOnly, matchRef: referenceMatcher(filters) };
  const out: ImageSummary[] = [];
  for (const record of view.records) {
    if (danglingOnly && (view.children.get(record.id)?.length ?? 0) > 0) continue;
    const config = await deps.reader.config(record);
    const created = createdOf(config);
    if (before !== undefined && (created === undefined || created >= before)) continue;
    if (since !== undefined && (created === undefined || created <= since)) continue;
    const labels = config.config?.Labels ?? {};
    if (filters.contains('label') && !filters.matchKVList('label', labels)) continue;
    const refs = selectRefs(sel, record.id);
    if (refs === undefined) continue;
    const containers = opts.containers === true ? (await deps.users.containersUsing(record.id)).length : undefined;
    const summary = { id: record.id, parentId: record.parent, repoTags: refs.tags, repoDigests: refs.digests, created, size: await deps.reader.size(record), labels, containers };
    out.push(summary);
  }
  const shared = opts.sharedSize === true ? await sharedSizes(deps, view.records, out.map((s) => s.id)) : undefined;
  out.sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
  return shared === undefined ? out : out.map((s) => ({ ...s, sharedSize: shared.get(s.id) }));
}
