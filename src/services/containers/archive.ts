import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { invalidArgument } from '../../common/errors.js';
import type { ContainerFs } from '../../core/archive/container-path.js';
import { dockerAbsPath, pathStatOf, statName, type PathStat } from '../../core/archive/container-path-stat.js';
import { assertWritable, untarInto } from '../../core/archive/container-path-untar.js';
import { decompress } from '../../core/archive/decompress.js';
import { tarTree } from '../../core/archive/tar-writer.js';
import { resolveUser } from '../../core/container/user.js';
import { openContainerView, rewordNotFound, withContainerView, type ContainerFileDeps, type ContainerView } from './archive-view.js';
import { eventAttributes } from './container-record.js';

/** ArchiveResult is `GET /containers/{id}/archive`: the stat of the path and the tar stream of it. */
export interface ArchiveResult {
  readonly stat: PathStat;
  /** The archive; reading it to the end (or destroying it) releases the container's files. */
  readonly archive: Readable;
}

/** ExtractOptions are the query parameters of `PUT /containers/{id}/archive`. */
export interface ExtractOptions {
  /** Refuse to replace a directory with a non-directory and the reverse. */
  readonly noOverwriteDirNonDir: boolean;
  /** `docker cp -a`: entries get the container user's uid and gid (when the container has a user). */
  readonly copyUIDGID: boolean;
  readonly signal?: AbortSignal;
}

/**
 * statContainerPath is `HEAD /containers/{id}/archive`: Docker's stat of a path in the container, the final
 * component not followed (a symlink reports itself, with `linkTarget` the container path it finally leads to).
 * A missing path is 404 "Could not find the file <path> in container <ref>", as dockerd words it.
 */
export async function statContainerPath(deps: ContainerFileDeps, ref: string, userPath: string): Promise<PathStat> {
  return withContainerView(deps.ctx, ref, async (view) => {
    try {
      return await statIn(view.cfs, userPath);
    } catch (err) {
      throw rewordNotFound(err, userPath, ref);
    }
  });
}

async function statIn(cfs: ContainerFs, userPath: string): Promise<PathStat> {
  const abs = dockerAbsPath(userPath);
  const r = await cfs.resolve(abs, { followFinal: false });
  try {
    const st = await fs.promises.lstat(r.dir.path(r.name), { bigint: true });
    let linkTarget = '';
    if (st.isSymbolicLink()) {
      // compat: moby's FollowSymlinkInScope: the full resolution, as far as it exists.
      const target = await cfs.resolve(abs, { followFinal: true, allowMissing: true });
      linkTarget = target.containerPath;
      await target.close();
    }
    return pathStatOf(statName(userPath), st, linkTarget);
  } finally {
    await r.close();
  }
}

/**
 * archiveContainerPath is `GET /containers/{id}/archive`: a tar of the file or directory at `userPath`, rebased as
 * dockerd rebases it (the top entry is named after the requested path's last element, so `/var/www/.` gives `./...`
 * and `/` gives `/...`), bind mounts below it included. The stat is known before any byte is streamed, so a missing
 * path is still a 404. Publishes `archive-path`.
 */
export async function archiveContainerPath(deps: ContainerFileDeps, ref: string, userPath: string, signal?: AbortSignal): Promise<ArchiveResult> {
  const view = await openContainerView(deps.ctx, ref);
  try {
    const abs = dockerAbsPath(userPath);
    const stat = await statIn(view.cfs, userPath).catch((err: unknown) => {
      throw rewordNotFound(err, userPath, ref);
    });
    const r = await view.cfs.resolve(abs, { followFinal: false });
    let archive: Readable;
    try {
      const crossings = new Map<string, string>();
      if (r.name === '.' || (await fs.promises.lstat(r.dir.path(r.name))).isDirectory()) {
        // Binds below the directory are archived from their sources, as the container sees them.
        const top = r.containerPath;
        for (const b of view.cfs.bindsUnder(top)) crossings.set(b.destination.slice(top === '/' ? 1 : top.length + 1), b.source);
      }
      archive = tarTree({ dirFd: r.dir.fd, name: r.name }, { topName: stat.name, xattrs: deps.ops.xattrs, crossings, signal });
    } catch (err) {
      await r.close();
      throw err;
    }
    archive.once('close', () => {
      r.close()
        .finally(() => view.release())
        .catch((err: unknown) => deps.ctx.log.warn({ err, containerId: view.record.id }, 'releasing a container view after an archive'));
    });
    publish(deps, view, 'archive-path');
    return { stat, archive };
  } catch (err) {
    await view.release();
    throw err;
  }
}

/**
 * extractToContainer is `PUT /containers/{id}/archive`: extract a tar (plain, gzip or zstd) into the directory at
 * `userPath`, the final component followed (compat: so an archive can be extracted into a symlink to a directory).
 * The path must exist (404) and be a directory (400 "extraction point is not a directory"); a read-only rootfs or
 * bind is 403. The body is never destroyed here, so the error can still be answered on its connection.
 * Publishes `extract-to-dir`.
 */
export async function extractToContainer(deps: ContainerFileDeps, ref: string, userPath: string, body: Readable, opts: ExtractOptions): Promise<void> {
  await withContainerView(deps.ctx, ref, async (view) => {
    const dest = await view.cfs.resolve(dockerAbsPath(userPath), { followFinal: true }).catch((err: unknown) => {
      throw rewordNotFound(err, userPath, ref);
    });
    try {
      if (dest.name !== '.' || !(await fs.promises.lstat(dest.dir.path(dest.name))).isDirectory()) {
        throw invalidArgument('WHARF_NOT_A_DIRECTORY', 'extraction point is not a directory');
      }
      const readOnlyRootfs = view.record.spec.security.readonlyRootfs;
      assertWritable(dest.dir, readOnlyRootfs);
      const owner = opts.copyUIDGID ? await containerOwner(view) : undefined;
      const tar = decompress(body);
      await untarInto(view.cfs, dest, tar, {
        ops: deps.ops.special,
        noOverwriteDirNonDir: opts.noOverwriteDirNonDir,
        readOnlyRootfs,
        ...(owner === undefined ? {} : { owner }),
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      });
    } finally {
      await dest.close();
    }
    publish(deps, view, 'extract-to-dir');
  });
}

/**
 * containerOwner is the uid and gid `docker cp -a` gives the copied files: the container's user from its own
 * /etc/passwd and /etc/group (compat: dockerd's tarCopyOptions), or none (the archive's) without a user.
 */
async function containerOwner(view: ContainerView): Promise<{ uid: number; gid: number } | undefined> {
  const user = view.record.config.user;
  if (user === '') return undefined;
  const resolved = await resolveUser(view.rootfs, user);
  return { uid: resolved.uid, gid: resolved.gid };
}

function publish(deps: ContainerFileDeps, view: ContainerView, action: string): void {
  deps.ctx.events.publish({ type: 'container', action, actor: { id: view.record.id, attributes: eventAttributes(view.record) } });
}
