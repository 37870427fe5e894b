import type { components } from '../../api/types.gen.js';
import { compareApiVersions } from '../../api/version.js';
import type { HistoryItem } from '../../services/images/history.js';
import type { ImageDetails } from '../../services/images/inspect.js';
import type { ImageSummary } from '../../services/images/list.js';
import type { PruneReport } from '../../services/images/prune.js';
import type { DeleteItem } from '../../services/images/remove.js';

type WireSummary = components['schemas']['ImageSummary'];
type WireInspect = components['schemas']['ImageInspect'];
type WireHistory = components['schemas']['ImageHistoryResponseItem'];
type WireDelete = components['schemas']['ImageDeleteResponseItem'];

/** GRAPH_DRIVER is the storage driver name wharf reports (Docker's would be overlay2). */
export const GRAPH_DRIVER = 'overlayfs';

const before = (apiVersion: string, v: string): boolean => compareApiVersions(apiVersion, v) < 0;

/** SummaryOptions select the version-gated and endpoint-specific parts of an image summary. */
export interface SummaryOptions {
  readonly apiVersion: string;
  /** Report the container count (system df); `GET /images/json` reports -1 before API 1.51. */
  readonly withContainers: boolean;
}

/** toImageSummary translates an image for `GET /images/json` and `GET /system/df`. */
export function toImageSummary(s: ImageSummary, opts: SummaryOptions): WireSummary & { VirtualSize?: number } {
  let repoTags = [...s.repoTags];
  let repoDigests = [...s.repoDigests];
  // compat: before API 1.43 an untagged image is listed as <none>:<none> / <none>@<none>.
  if (before(opts.apiVersion, '1.43') && repoTags.length === 0 && repoDigests.length === 0) {
    repoTags = ['<none>:<none>'];
    repoDigests = ['<none>@<none>'];
  }
  const wire: WireSummary & { VirtualSize?: number } = {
    Containers: opts.withContainers ? (s.containers ?? -1) : -1,
    Created: s.created === undefined ? 0 : Math.floor(s.created.getTime() / 1000),
    Id: s.id,
    Labels: { ...s.labels },
    ParentId: s.parentId ?? '',
    RepoDigests: repoDigests,
    RepoTags: repoTags,
    SharedSize: s.sharedSize ?? -1,
    Size: s.size,
  };
  // compat: VirtualSize was dropped in API 1.44.
  if (before(opts.apiVersion, '1.44')) wire.VirtualSize = s.size;
  return wire;
}

// compat: fields of the image's Config dockerd always sent (null or "") before they became omitempty
// (moby daemon/server/router/image/inspect_response.go).
const LEGACY_CONFIG_1_50: Readonly<Record<string, unknown>> = {
  Cmd: null,
  Entrypoint: null,
  Env: null,
  Labels: null,
  OnBuild: null,
  User: '',
  Volumes: null,
  WorkingDir: '',
};
const LEGACY_CONFIG_1_49: Readonly<Record<string, unknown>> = {
  ...LEGACY_CONFIG_1_50,
  AttachStderr: false,
  AttachStdin: false,
  AttachStdout: false,
  Domainname: '',
  Hostname: '',
  Image: '',
  OpenStdin: false,
  StdinOnce: false,
  Tty: false,
};

function graphDriverData(layerDirs: readonly string[]): Record<string, string> {
  const [upper, ...lower] = layerDirs;
  const data: Record<string, string> = {};
  if (lower.length > 0) data['LowerDir'] = lower.join(':');
  if (upper !== undefined) data['UpperDir'] = upper;
  return data;
}

/** toImageInspect translates an image for `GET /images/{name}/json`, with the fields of the request's API version. */
export function toImageInspect(d: ImageDetails, apiVersion: string): WireInspect & Record<string, unknown> {
  const legacyConfig = before(apiVersion, '1.50') ? LEGACY_CONFIG_1_49 : LEGACY_CONFIG_1_50;
  const wire: WireInspect & Record<string, unknown> = {
    Id: d.id,
    RepoTags: [...d.repoTags],
    RepoDigests: [...d.repoDigests],
    Parent: d.parent ?? '',
    Comment: d.comment,
    // compat: before API 1.44 a missing `created` was sent as Go's zero time.
    Created: d.created ?? (before(apiVersion, '1.44') ? '0001-01-01T00:00:00Z' : undefined),
    DockerVersion: d.dockerVersion,
    Author: d.author,
    Config: { ...legacyConfig, ...d.config } as WireInspect['Config'],
    Architecture: d.architecture,
    Variant: d.variant,
    Os: d.os,
    OsVersion: d.osVersion,
    Size: d.size,
    GraphDriver: { Name: GRAPH_DRIVER, Data: graphDriverData(d.layerDirs) },
    RootFS: { Type: 'layers', Layers: [...d.diffIds] },
    // compat: dockerd's graphdriver store sends Go's zero time when the image was not tagged locally.
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  };
  if (before(apiVersion, '1.44')) wire['VirtualSize'] = d.size;
  if (before(apiVersion, '1.45')) {
    wire['Container'] = '';
    wire['ContainerConfig'] = { ...LEGACY_CONFIG_1_49 };
  }
  return wire;
}

/** toImageHistory translates `docker history` rows; Tags is null where dockerd sends null. */
export function toImageHistory(items: readonly HistoryItem[]): (Omit<WireHistory, 'Tags'> & { Tags: string[] | null })[] {
  return items.map((h) => ({
    Id: h.id,
    Created: h.created === undefined ? 0 : Math.floor(h.created.getTime() / 1000),
    CreatedBy: h.createdBy,
    Tags: h.tags === undefined ? null : [...h.tags],
    Size: h.size,
    Comment: h.comment,
  }));
}

/** toDeleteItems translates rmi's answer. */
export function toDeleteItems(items: readonly DeleteItem[]): WireDelete[] {
  return items.map((i) => (i.untagged !== undefined ? { Untagged: i.untagged } : { Deleted: i.deleted as string }));
}

/** toPruneReport translates `POST /images/prune`'s answer; ImagesDeleted is null when nothing went, as dockerd. */
export function toPruneReport(r: PruneReport): { ImagesDeleted: WireDelete[] | null; SpaceReclaimed: number } {
  return { ImagesDeleted: r.deleted.length === 0 ? null : toDeleteItems(r.deleted), SpaceReclaimed: r.spaceReclaimed };
}
