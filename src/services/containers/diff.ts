import { WharfError } from '../../common/errors.js';
import { chainId } from '../../core/image/chain-id.js';
import { INIT_PATH_IN_CONTAINER } from '../../core/oci/mount-opts.js';
import type { ContainerFileDeps } from './archive-view.js';
import type { ContainerRecord } from './container-record.js';
import { diffLayers, LowerView, type Change } from './diff-layers.js';

// Mount points the runtime makes in a container's own layer when the image lacks them. compat: Docker keeps these in
// a separate "init" layer under the container's, so neither `docker diff` nor `docker commit` ever shows them.
const HIDDEN_TREES = ['dev', 'proc', 'sys'];
const HIDDEN_FILES = ['etc/hostname', 'etc/hosts', 'etc/resolv.conf', '.dockerenv'];

/**
 * runtimeHidden tells the entries of a container's layer that the runtime, not the container, put there: /dev,
 * /proc and /sys (and anything under them), the network files' mount points, and `--init`'s binary.
 */
export function runtimeHidden(record: ContainerRecord): (rel: string) => boolean {
  const files = new Set(hiddenFiles(record));
  return (rel) => files.has(rel) || HIDDEN_TREES.some((t) => rel === t || rel.startsWith(`${t}/`));
}

/** runtimeHiddenParents are the directories holding runtimeHidden files ("etc", and "sbin" with --init). */
export function runtimeHiddenParents(record: ContainerRecord): ReadonlySet<string> {
  return new Set(hiddenFiles(record).flatMap((f) => (f.includes('/') ? [f.slice(0, f.lastIndexOf('/'))] : [])));
}

function hiddenFiles(record: ContainerRecord): string[] {
  return record.spec.init === true ? [...HIDDEN_FILES, INIT_PATH_IN_CONTAINER.slice(1)] : HIDDEN_FILES;
}

/** lowerViewOf is the merged view of the container's image layers. */
export async function lowerViewOf(deps: ContainerFileDeps, record: ContainerRecord): Promise<LowerView> {
  const image = await deps.ctx.images.get(record.imageId);
  if (image === undefined) {
    throw new WharfError('FailedPrecondition', 'WHARF_IMAGE_CONTENT_MISSING', `image ${record.imageId} of container ${record.id} is not stored`);
  }
  const top = chainId(image.layers.map((l) => l.diffId));
  return new LowerView(top === undefined ? [] : await deps.ctx.snapshots.lowerDirs(top), deps.ops.xattrs);
}

/**
 * containerChanges is `GET /containers/{id}/changes` (`docker diff`): what the container changed in its file tree
 * compared with its image (Kind 0 modified, 1 added, 2 deleted), read from its own overlay layer and the image's
 * layers without mounting anything, for a running or a stopped container alike.
 */
export async function containerChanges(deps: ContainerFileDeps, ref: string, signal?: AbortSignal): Promise<Change[]> {
  const record = deps.ctx.store.get(ref);
  const lower = await lowerViewOf(deps, record);
  const opts = { hidden: runtimeHidden(record), elide: runtimeHiddenParents(record), xattrs: deps.ops.xattrs, signal };
  return diffLayers(record.paths.upper, lower, opts);
}
