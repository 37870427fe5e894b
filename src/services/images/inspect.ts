import type { Digest } from '../../common/digest.js';
import { chainId } from '../../core/image/chain-id.js';
import type { ContainerConfig } from '../../core/image/oci.js';
import { resolveImage } from '../../core/image/resolve.js';
import { repoDigestsOf, repoTagsOf, type ImageServiceDeps } from './image-reader.js';

/** ImageDetails is one image as `docker image inspect` shows it. */
export interface ImageDetails {
  readonly id: Digest;
  readonly repoTags: readonly string[];
  readonly repoDigests: readonly string[];
  readonly parent?: Digest;
  readonly comment: string;
  /** The config's `created`, as written there (RFC 3339), when present. */
  readonly created?: string;
  readonly dockerVersion: string;
  readonly author: string;
  readonly config: ContainerConfig;
  readonly architecture: string;
  readonly variant?: string;
  readonly os: string;
  readonly osVersion?: string;
  readonly size: number;
  /** The config's rootfs.diff_ids, bottom-most first. */
  readonly diffIds: readonly Digest[];
  /** Unpacked layer directories, top-most first (empty when the image has no layers). */
  readonly layerDirs: readonly string[];
}

/** inspectImage is `GET /images/{name}/json`: the image a name, ID or ID prefix resolves to. */
export async function inspectImage(deps: ImageServiceDeps, name: string): Promise<ImageDetails> {
  const record = await resolveImage(deps.images, name);
  const [config, refEntries, size] = await Promise.all([
    deps.reader.config(record),
    deps.images.references(record.id),
    deps.reader.size(record),
  ]);
  const refs = refEntries.map((e) => e.ref);
  const top = chainId(record.layers.map((l) => l.diffId));
  const layerDirs = top === undefined || (await deps.snapshots.stat(top)) === undefined ? [] : await deps.snapshots.lowerDirs(top);
  return {
    id: record.id,
    repoTags: repoTagsOf(refs),
    repoDigests: repoDigestsOf(refs),
    parent: record.parent,
    comment: config.comment ?? '',
    created: config.created,
    dockerVersion: config.docker_version ?? '',
    author: config.author ?? '',
    config: config.config ?? {},
    architecture: config.architecture,
    variant: config.variant,
    os: config.os,
    osVersion: config['os.version'],
    size,
    diffIds: config.rootfs.diff_ids,
    layerDirs,
  };
}
