import { invalidArgument } from '../../common/errors.js';
import type { ImageServiceDeps } from '../images/image-reader.js';
import { listImages, type ImageSummary } from '../images/list.js';

/** DISK_USAGE_TYPES are the object types `GET /system/df?type=` accepts. */
export const DISK_USAGE_TYPES = ['container', 'image', 'volume', 'build-cache'] as const;

/** DiskUsageType is one of DISK_USAGE_TYPES. */
export type DiskUsageType = (typeof DISK_USAGE_TYPES)[number];

/** DiskUsage is what `docker system df` reports; a type not asked for is undefined. */
export interface DiskUsage {
  /** Bytes of every unpacked layer. */
  readonly layersSize?: number;
  readonly images?: readonly ImageSummary[];
  // Containers, volumes and the build cache arrive with their milestones; until then there are none.
  readonly containers?: readonly never[];
  readonly volumes?: readonly never[];
  readonly buildCache?: readonly never[];
}

/** parseDiskUsageTypes validates `type=` values; none given means all types. */
export function parseDiskUsageTypes(values: readonly string[]): ReadonlySet<DiskUsageType> {
  if (values.length === 0) return new Set(DISK_USAGE_TYPES);
  for (const v of values) {
    if (!(DISK_USAGE_TYPES as readonly string[]).includes(v)) throw invalidArgument('WHARF_INVALID_PARAMETER', `unknown object type: ${v}`);
  }
  return new Set(values as DiskUsageType[]);
}

/** diskUsage is `GET /system/df`: images with shared sizes and container counts, and the total layer size. */
export async function diskUsage(deps: ImageServiceDeps, types: ReadonlySet<DiskUsageType>): Promise<DiskUsage> {
  const out: { -readonly [K in keyof DiskUsage]: DiskUsage[K] } = {};
  if (types.has('image')) {
    out.images = await listImages(deps, { all: true, sharedSize: true, containers: true });
    out.layersSize = (await deps.snapshots.list()).reduce((sum, s) => sum + s.size, 0);
  }
  if (types.has('container')) out.containers = [];
  if (types.has('volume')) out.volumes = [];
  if (types.has('build-cache')) out.buildCache = [];
  return out;
}
