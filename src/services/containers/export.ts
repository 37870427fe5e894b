import type { Readable } from 'node:stream';
import { ContainerFs } from '../../core/archive/container-path.js';
import { tarTree } from '../../core/archive/tar-writer.js';
import type { ContainerFileDeps } from './archive-view.js';
import { eventAttributes } from './container-record.js';

/**
 * exportContainer is `GET /containers/{id}/export` (`docker export`): the container's whole merged root filesystem
 * as an uncompressed tar, names relative to the root ("bin/", "etc/passwd"), as dockerd writes it. Bind mounts are
 * not included (compat: dockerd exports the root filesystem alone), so the mount points appear as they are in the
 * root. A stopped container's root is mounted for the duration; the stream holds it until it ends or is destroyed.
 * Publishes `export`.
 */
export async function exportContainer(deps: ContainerFileDeps, ref: string, signal?: AbortSignal): Promise<Readable> {
  const { ctx } = deps;
  const record = ctx.store.get(ref);
  const rootfs = await ctx.rootfs.acquire(record);
  try {
    const cfs = await ContainerFs.open({ rootfs, binds: [] });
    const archive = tarTree({ dirFd: cfs.root.fd, name: '.' }, { xattrs: deps.ops.xattrs, signal });
    archive.once('close', () => {
      cfs
        .close()
        .finally(() => ctx.rootfs.release(record))
        .catch((err: unknown) => ctx.log.warn({ err, containerId: record.id }, 'releasing a container root after export'));
    });
    ctx.events.publish({ type: 'container', action: 'export', actor: { id: record.id, attributes: eventAttributes(record) } });
    return archive;
  } catch (err) {
    await ctx.rootfs.release(record);
    throw err;
  }
}
