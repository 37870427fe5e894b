import type { DiskUsage } from '../../../client/engine-client.js';
import { ellipsis } from '../ellipsis.js';
import { goQuote } from '../template/go-print.js';
import { marshalContext } from '../template/go-json.js';
import { humanDuration, humanSize, humanSizeWithPrecision, timeSince } from '../units.js';
import { truncateId } from './image-context.js';

type Container = NonNullable<DiskUsage['Containers']>[number];
type Volume = NonNullable<DiskUsage['Volumes']>[number];
type CacheRecord = NonNullable<DiskUsage['BuildCache']>[number];

/** CONTAINER_HEADER maps container fields to docker's column titles. */
export const CONTAINER_HEADER: Readonly<Record<string, string>> = {
  ID: 'CONTAINER ID', Names: 'NAMES', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Labels: 'LABELS', Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS', Platform: 'PLATFORM',
};
/** VOLUME_HEADER maps volume fields to docker's column titles. */
export const VOLUME_HEADER: Readonly<Record<string, string>> = {
  ID: 'ID', Name: 'VOLUME NAME', Group: 'GROUP', Driver: 'DRIVER', Scope: 'SCOPE', Availability: 'AVAILABILITY',
  Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE', Status: 'STATUS',
};
/** BUILD_CACHE_HEADER maps build cache fields to docker's column titles. */
export const BUILD_CACHE_HEADER: Readonly<Record<string, string>> = {
  ID: 'CACHE ID', Parent: 'PARENT', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED',
  LastUsedSince: 'LAST USED', UsageCount: 'USAGE', InUse: 'IN USE', Shared: 'SHARED', Description: 'DESCRIPTION',
};

const labels = (m: Record<string, string> | null | undefined): string =>
  m ? Object.entries(m).map(([k, v]) => `${k}=${v}`).sort().join(',') : '';

/** ContainerUsageContext is a container row of `system df -v` (the fields of docker's ContainerContext it shows). */
export class ContainerUsageContext {
  readonly goTypeName = '*formatter.ContainerContext';
  readonly #c: Container;
  readonly #trunc: boolean;
  readonly #now: number;
  constructor(c: Container, trunc: boolean, now: number) {
    this.#c = c;
    this.#trunc = trunc;
    this.#now = now;
  }
  get ID(): string {
    return this.#trunc ? truncateId(this.#c.Id ?? '') : (this.#c.Id ?? '');
  }
  get Names(): string {
    const names = (this.#c.Names ?? []).map((n) => n.slice(1));
    const short = this.#trunc ? names.find((n) => !n.includes('/')) : undefined;
    return short ?? names.join(',');
  }
  get Image(): string {
    return this.#c.Image || '<no image>';
  }
  get Command(): string {
    const cmd = this.#c.Command ?? '';
    return goQuote(this.#trunc ? ellipsis(cmd, 20) : cmd);
  }
  get LocalVolumes(): string {
    return String((this.#c.Mounts ?? []).filter((m) => m.Driver === 'local').length);
  }
  get Size(): string {
    // compat: docker's df zeroes SizeRootFs, so only the writable layer's size shows.
    return humanSizeWithPrecision(this.#c.SizeRw ?? 0, 3);
  }
  get RunningFor(): string {
    return timeSince(this.#c.Created ?? 0, this.#now);
  }
  get State(): string {
    return this.#c.State ?? '';
  }
  get Status(): string {
    return this.#c.Status ?? '';
  }
  get Labels(): string {
    return labels(this.#c.Labels);
  }
  marshalJSON(): string {
    return marshalContext(this);
  }
}

/** VolumeContext is a volume row (docker's volumeContext). */
export class VolumeContext {
  readonly goTypeName = '*formatter.volumeContext';
  readonly #v: Volume;
  constructor(v: Volume) {
    this.#v = v;
  }
  get Name(): string {
    return this.#v.Name;
  }
  get Driver(): string {
    return this.#v.Driver;
  }
  get Scope(): string {
    return this.#v.Scope;
  }
  get Mountpoint(): string {
    return this.#v.Mountpoint;
  }
  get Labels(): string {
    return labels(this.#v.Labels);
  }
  get Links(): string {
    return this.#v.UsageData ? String(this.#v.UsageData.RefCount) : 'N/A';
  }
  get Size(): string {
    return this.#v.UsageData ? humanSize(this.#v.UsageData.Size) : 'N/A';
  }
  marshalJSON(): string {
    return marshalContext(this);
  }
}

/** BuildCacheContext is a build cache row (docker's buildCacheContext). */
export class BuildCacheContext {
  readonly goTypeName = '*formatter.buildCacheContext';
  readonly #r: CacheRecord;
  readonly #trunc: boolean;
  readonly #now: number;
  constructor(r: CacheRecord, trunc: boolean, now: number) {
    this.#r = r;
    this.#trunc = trunc;
    this.#now = now;
  }
  get ID(): string {
    const id = this.#trunc ? truncateId(this.#r.ID ?? '') : (this.#r.ID ?? '');
    return this.#r.InUse ? `${id}*` : id;
  }
  get Parent(): string {
    const p = (this.#r.Parents ?? []).join(', ');
    return this.#trunc ? truncateId(p) : p;
  }
  get CacheType(): string {
    return this.#r.Type ?? '';
  }
  get Description(): string {
    return this.#r.Description ?? '';
  }
  get Size(): string {
    return humanSizeWithPrecision(this.#r.Size ?? 0, 3);
  }
  get CreatedSince(): string {
    return `${humanDuration(this.#now - Date.parse(this.#r.CreatedAt ?? ''))} ago`;
  }
  get LastUsedSince(): string {
    return this.#r.LastUsedAt ? `${humanDuration(this.#now - Date.parse(this.#r.LastUsedAt))} ago` : '';
  }
  get UsageCount(): string {
    return String(this.#r.UsageCount ?? 0);
  }
  get InUse(): string {
    return String(this.#r.InUse ?? false);
  }
  get Shared(): string {
    return String(this.#r.Shared ?? false);
  }
  marshalJSON(): string {
    return marshalContext(this);
  }
}

/** sortBuildCache is docker's buildCacheSort: never-used first, then by last use, ties by ID. */
export function sortBuildCache(records: readonly CacheRecord[]): CacheRecord[] {
  return [...records].sort((a, b) => {
    const la = a.LastUsedAt ? Date.parse(a.LastUsedAt) : undefined;
    const lb = b.LastUsedAt ? Date.parse(b.LastUsedAt) : undefined;
    if (la === lb || (la === undefined && lb === undefined)) return (a.ID ?? '') < (b.ID ?? '') ? -1 : 1;
    if (la === undefined) return -1;
    if (lb === undefined) return 1;
    return la - lb;
  });
}
