import type { DiskUsage } from '../../../client/engine-client.js';
import { marshalContext } from '../template/go-json.js';
import { humanSize } from '../units.js';

/** DISK_USAGE_HEADER maps the summary fields of `wharf system df` to column titles. */
export const DISK_USAGE_HEADER: Readonly<Record<string, string>> = {
  Type: 'TYPE',
  TotalCount: 'TOTAL',
  Active: 'ACTIVE',
  Size: 'SIZE',
  Reclaimable: 'RECLAIMABLE',
};

type Containers = NonNullable<DiskUsage['Containers']>;
type Volumes = NonNullable<DiskUsage['Volumes']>;
type BuildCache = NonNullable<DiskUsage['BuildCache']>;

function withPercent(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)` : humanSize(reclaimable);
}

/** isActiveContainer is docker's: running, paused and restarting containers use their images. */
export function isActiveContainer(state: string | undefined): boolean {
  return state === 'running' || state === 'paused' || state === 'restarting';
}

/** UsageSummary is one row of the `system df` summary (docker's diskUsage*Context types). */
export class UsageSummary {
  readonly goTypeName: string;
  readonly Type: string;
  readonly TotalCount: string;
  readonly Active: string;
  readonly Size: string;
  readonly Reclaimable: string;

  constructor(row: { goType: string; type: string; total: number; active: number; size: string; reclaimable: string }) {
    this.goTypeName = row.goType;
    this.Type = row.type;
    this.TotalCount = String(row.total);
    this.Active = String(row.active);
    this.Size = row.size;
    this.Reclaimable = row.reclaimable;
  }

  marshalJSON(): string {
    return marshalContext(this);
  }
}

function imagesRow(du: DiskUsage): UsageSummary {
  const images = du.Images ?? [];
  const total = du.LayersSize ?? 0;
  let used = 0;
  for (const i of images) {
    if (i.Containers !== 0 && i.Size !== -1 && i.SharedSize !== -1) used += i.Size - i.SharedSize;
  }
  return new UsageSummary({
    goType: '*formatter.diskUsageImagesContext',
    type: 'Images',
    total: images.length,
    active: images.filter((i) => i.Containers > 0).length,
    size: humanSize(total),
    reclaimable: withPercent(total - used, total),
  });
}

function containersRow(cs: Containers): UsageSummary {
  let size = 0;
  let reclaimable = 0;
  for (const c of cs) {
    size += c.SizeRw ?? 0;
    if (!isActiveContainer(c.State)) reclaimable += c.SizeRw ?? 0;
  }
  return new UsageSummary({
    goType: '*formatter.diskUsageContainersContext',
    type: 'Containers',
    total: cs.length,
    active: cs.filter((c) => isActiveContainer(c.State)).length,
    size: humanSize(size),
    reclaimable: withPercent(reclaimable, size),
  });
}

function volumesRow(vs: Volumes): UsageSummary {
  let size = 0;
  let reclaimable = 0;
  for (const v of vs) {
    const s = v.UsageData?.Size ?? -1;
    if (s === -1) continue;
    size += s;
    if ((v.UsageData?.RefCount ?? 0) === 0) reclaimable += s;
  }
  return new UsageSummary({
    goType: '*formatter.diskUsageVolumesContext',
    type: 'Local Volumes',
    total: vs.length,
    active: vs.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
    size: humanSize(size),
    reclaimable: withPercent(reclaimable, size),
  });
}

/** builderSize is the total size of build cache records that are not shared. */
export function builderSize(bc: BuildCache): number {
  return bc.reduce((n, r) => n + (r.Shared ? 0 : (r.Size ?? 0)), 0);
}

function buildCacheRow(bc: BuildCache): UsageSummary {
  const total = builderSize(bc);
  const inUse = bc.reduce((n, r) => n + (r.InUse && !r.Shared ? (r.Size ?? 0) : 0), 0);
  return new UsageSummary({
    goType: '*formatter.diskUsageBuilderContext',
    type: 'Build Cache',
    total: bc.length,
    active: bc.filter((r) => r.InUse).length,
    size: humanSize(total),
    reclaimable: humanSize(total - inUse),
  });
}

/** usageSummaries are the four rows of `wharf system df`: images, containers, local volumes, build cache. */
export function usageSummaries(du: DiskUsage): UsageSummary[] {
  return [imagesRow(du), containersRow(du.Containers ?? []), volumesRow(du.Volumes ?? []), buildCacheRow(du.BuildCache ?? [])];
}
