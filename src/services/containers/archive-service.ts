import type { Readable } from 'node:stream';
import type { Digest } from '../../common/digest.js';
import type { PathStat } from '../../core/archive/container-path-stat.js';
import { archiveContainerPath, extractToContainer, statContainerPath, type ArchiveResult, type ExtractOptions } from './archive.js';
import type { ContainerFileOps } from './archive-view.js';
import { commitContainer, type CommitOptions } from './commit.js';
import { containerChanges } from './diff.js';
import type { Change } from './diff-layers.js';
import type { EngineContext } from './engine-context.js';
import { exportContainer } from './export.js';

/**
 * ContainerFileService is what the container file routes call (`server/routes/container-files.ts`): `docker cp`
 * (stat, archive, extract), `docker diff`, `docker export` and `docker commit`. Containers are named as everywhere
 * (ID, name or unique ID prefix; 404 "No such container: x").
 */
export interface ContainerFileService {
  /** statPath is `HEAD /containers/{id}/archive`. */
  statPath(ref: string, path: string): Promise<PathStat>;
  /** archive is `GET /containers/{id}/archive`; the stat is known (and errors raised) before the stream starts. */
  archive(ref: string, path: string, signal?: AbortSignal): Promise<ArchiveResult>;
  /** extract is `PUT /containers/{id}/archive`. */
  extract(ref: string, path: string, body: Readable, opts: ExtractOptions): Promise<void>;
  /** changes is `GET /containers/{id}/changes`. */
  changes(ref: string, signal?: AbortSignal): Promise<Change[]>;
  /** export is `GET /containers/{id}/export`; the container is found before the stream starts. */
  export(ref: string, signal?: AbortSignal): Promise<Readable>;
  /** commit is `POST /commit`. */
  commit(ref: string, opts: CommitOptions): Promise<{ id: Digest }>;
}

/**
 * containerFileService builds the file service on the container engine's context (ContainerEngine.context) and
 * the host's file operations (src/os/native in the daemon):
 *
 * ```ts
 * const files = containerFileService(engine.context, { special: specialFileOps, xattrs: { llistxattr, lgetxattr } });
 * ```
 */
export function containerFileService(ctx: EngineContext, ops: ContainerFileOps): ContainerFileService {
  const deps = { ctx, ops };
  return {
    statPath: (ref, path) => statContainerPath(deps, ref, path),
    archive: (ref, path, signal) => archiveContainerPath(deps, ref, path, signal),
    extract: (ref, path, body, opts) => extractToContainer(deps, ref, path, body, opts),
    changes: (ref, signal) => containerChanges(deps, ref, signal),
    export: (ref, signal) => exportContainer(deps, ref, signal),
    commit: (ref, opts) => commitContainer(deps, ref, opts),
  };
}
