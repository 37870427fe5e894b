import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { Digest } from '../../common/digest.js';
import { WharfError } from '../../common/errors.js';
import { familiarString } from '../../common/reference.js';
import { closeFd, openFd } from '../../core/archive/container-path.js';
import { tarTree } from '../../core/archive/tar-writer.js';
import { chainId } from '../../core/image/chain-id.js';
import { applyConfigChanges } from '../../core/image/config-changes.js';
import type { ImageRecord, LayerRecord, Lease } from '../../core/image/image-store.js';
import { ingestLayer } from '../../core/image/layer-ingest.js';
import type { ContainerConfig, HistoryEntry, ImageConfig } from '../../core/image/oci.js';
import { readImageConfig } from '../../core/image/resolve.js';
import { repoTagReference } from '../images/import.js';
import type { ContainerFileDeps } from './archive-view.js';
import { commitConfigFrom, containerConfigOf, mergeCommitConfig } from './commit-config.js';
import { eventAttributes, type ContainerRecord } from './container-record.js';
import { lowerViewOf, runtimeHidden, runtimeHiddenParents } from './diff.js';
import { pauseContainer, unpauseContainer } from './pause.js';

/** CommitOptions are the parameters of `POST /commit` (`docker commit`). */
export interface CommitOptions {
  readonly repo?: string;
  readonly tag?: string;
  readonly comment?: string;
  readonly author?: string;
  /** Freeze a running container while its layer is read (Docker's default: true). */
  readonly pause: boolean;
  /** Dockerfile instructions applied to the config (`--change`). */
  readonly changes: readonly string[];
  /** The request body: a container Config overriding the container's, or undefined. */
  readonly config?: unknown;
  readonly signal?: AbortSignal;
}

/** EMPTY_LAYER_DIFF_ID is the diff ID of a tar with no entries (Docker's DigestSHA256EmptyTar). */
export const EMPTY_LAYER_DIFF_ID: Digest = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

/**
 * commitContainer is `POST /commit` (`docker commit`): the container's own layer becomes a new image layer above its
 * image's (overlay whiteouts and opaque directories written in OCI form, the runtime's mount points left out), with
 * a config made from the container's (or the request's, completed from the container's) and the `--change`
 * instructions, a history entry (created_by: the container's Cmd, the author and comment), the image as parent and
 * the tag. A running container is paused while its layer is read unless `pause` is false. An empty layer adds no
 * layer, only a history entry marked empty_layer, as dockerd does. Publishes `commit` (and `tag`).
 */
export async function commitContainer(deps: ContainerFileDeps, ref: string, opts: CommitOptions): Promise<{ id: Digest }> {
  const { ctx } = deps;
  const target = repoTagReference(opts.repo ?? '', opts.tag ?? '');
  const record = ctx.store.get(ref);
  checkCommittable(record);
  const userConfig = commitConfigFrom(opts.config);
  const parent = await ctx.images.get(record.imageId);
  if (parent === undefined) {
    throw new WharfError('FailedPrecondition', 'WHARF_IMAGE_CONTENT_MISSING', `image ${record.imageId} of container ${record.id} is not stored`);
  }
  const parentConfig = await readImageConfig(ctx.content, parent);
  const base = containerConfigOf(record, parentConfig);
  const changed = applyConfigChanges(userConfig ?? base, opts.changes);
  const config = userConfig === undefined ? changed : mergeCommitConfig(changed, base);
  const lease = ctx.images.lease();
  try {
    const layer = await withPause(deps, record, opts.pause, () => commitLayer(deps, record, parent, lease, opts.signal));
    const id = await writeImage(deps, { record, parent, parentConfig, config, layer, lease }, opts);
    if (target !== undefined) {
      await ctx.images.setReference(target, id);
      ctx.events.publish({ type: 'image', action: 'tag', actor: { id, attributes: { name: familiarString(target) } } });
    }
    const attributes = eventAttributes(record, { comment: opts.comment ?? '', imageID: id, imageRef: target === undefined ? '' : familiarString(target) });
    ctx.events.publish({ type: 'container', action: 'commit', actor: { id: record.id, attributes } });
    return { id };
  } finally {
    lease.release();
  }
}

/** checkCommittable refuses, in dockerd's words, a container that is dead or being removed. */
function checkCommittable(record: ContainerRecord): void {
  if (record.state.status === 'dead') {
    throw new WharfError('Conflict', 'WHARF_CONTAINER_STATE_CONFLICT', `You cannot commit container ${record.id} which is Dead`);
  }
  if (record.state.status === 'removing') {
    throw new WharfError('Conflict', 'WHARF_CONTAINER_STATE_CONFLICT', `You cannot commit container ${record.id} which is being removed`);
  }
}

async function withPause<T>(deps: ContainerFileDeps, record: ContainerRecord, pause: boolean, fn: () => Promise<T>): Promise<T> {
  const current = deps.ctx.store.get(record.id);
  if (!pause || current.state.status !== 'running') return fn();
  await pauseContainer(deps.ctx, record.id);
  try {
    return await fn();
  } finally {
    await unpauseContainer(deps.ctx, record.id).catch((err: unknown) =>
      deps.ctx.log.warn({ err, containerId: record.id }, 'unpausing a container after commit'),
    );
  }
}

/** commitLayer tars the container's upper directory and ingests it as a layer above the image's chain. */
async function commitLayer(
  deps: ContainerFileDeps,
  record: ContainerRecord,
  parent: ImageRecord,
  lease: Lease,
  signal: AbortSignal | undefined,
): Promise<LayerRecord> {
  const hidden = runtimeHidden(record);
  const hiddenParents = runtimeHiddenParents(record);
  const lower = await lowerViewOf(deps, record);
  const upper = record.paths.upper;
  // A directory on the way to a hidden mount point was made or copied up by the runtime: kept only if it holds a
  // change, or (when the image has it) its own metadata differs from the image's.
  const elide = async (rel: string): Promise<boolean> => {
    if (!hiddenParents.has(rel)) return false;
    const [mine, below] = await Promise.all([fs.promises.lstat(`${upper}/${rel}`, { bigint: true }), lower.lstat(rel)]);
    if (below === undefined) return true;
    return below.isDirectory() && mine.mode === below.mode && mine.uid === below.uid && mine.gid === below.gid;
  };
  const fd = await openFd(upper, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  let tar: Readable | undefined;
  try {
    tar = tarTree({ dirFd: fd, name: '.' }, { whiteouts: true, skip: hidden, elide, xattrs: deps.ops.xattrs, signal });
    const top = chainId(parent.layers.map((l) => l.diffId));
    const { layer } = await ingestLayer(deps.ctx, tar, { ...(top === undefined ? {} : { parent: top }), lease, ...(signal === undefined ? {} : { signal }) });
    return layer;
  } finally {
    tar?.destroy();
    await closeFd(fd);
  }
}

/** NewImage is what a commit's image is made of. */
interface NewImage {
  readonly record: ContainerRecord;
  readonly parent: ImageRecord;
  readonly parentConfig: ImageConfig;
  readonly config: ContainerConfig;
  readonly layer: LayerRecord;
  readonly lease: Lease;
}

/** writeImage stores the new image's config and record; returns its ID (the config's digest). */
async function writeImage(deps: ContainerFileDeps, input: NewImage, opts: CommitOptions): Promise<Digest> {
  const { record, parent, parentConfig, config, layer, lease } = input;
  const created = new Date().toISOString();
  const empty = layer.diffId === EMPTY_LAYER_DIFF_ID;
  const history: HistoryEntry = {
    created,
    ...(opts.author ? { author: opts.author } : {}),
    created_by: (record.config.cmd ?? []).join(' '),
    ...(opts.comment ? { comment: opts.comment } : {}),
    ...(empty ? { empty_layer: true } : {}),
  };
  const image: ImageConfig = {
    architecture: parentConfig.architecture,
    os: parentConfig.os,
    ...(parentConfig.variant === undefined ? {} : { variant: parentConfig.variant }),
    ...(parentConfig['os.version'] === undefined ? {} : { 'os.version': parentConfig['os.version'] }),
    ...(parentConfig['os.features'] === undefined ? {} : { 'os.features': parentConfig['os.features'] }),
    created,
    ...(opts.author ? { author: opts.author } : {}),
    ...(opts.comment ? { comment: opts.comment } : {}),
    config,
    rootfs: { type: 'layers', diff_ids: [...parentConfig.rootfs.diff_ids, ...(empty ? [] : [layer.diffId])] },
    history: [...(parentConfig.history ?? []), history],
  };
  const bytes = Buffer.from(JSON.stringify(image));
  const id: Digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  lease.add(id);
  await deps.ctx.content.put(bytes, id);
  const layers = empty ? parent.layers : [...parent.layers, layer];
  await deps.ctx.images.put({ id, layers, parent: parent.id, addedAt: created });
  return id;
}
