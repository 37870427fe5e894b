import { WharfError, isNotFound, notFound } from '../../common/errors.js';
import { ContainerFs, type RootBind } from '../../core/archive/container-path.js';
import type { SpecialFileOps } from '../../core/archive/special-file-ops.js';
import type { XattrReader } from '../../core/archive/tar-writer.js';
import { networkFileMounts } from '../../core/oci/mount-opts.js';
import type { ContainerRecord } from './container-record.js';
import type { EngineContext } from './engine-context.js';

/**
 * ContainerFileOps are the host operations the container file features need beyond Node's fs (src/os/native
 * implements both): device nodes and xattrs for `docker cp` into a container, xattr reading for archives (file
 * capabilities, and overlayfs's opaque marker when committing).
 */
export interface ContainerFileOps {
  readonly special: SpecialFileOps;
  readonly xattrs: XattrReader;
}

/** ContainerFileDeps is what the file features work with: the container engine's context plus the host ops. */
export interface ContainerFileDeps {
  readonly ctx: EngineContext;
  readonly ops: ContainerFileOps;
}

/** ContainerView is an open view of a container's files; `release` closes it and lets the root be unmounted. */
export interface ContainerView {
  readonly record: ContainerRecord;
  readonly cfs: ContainerFs;
  /** The host path of the merged root filesystem while the view is open. */
  readonly rootfs: string;
  release(): Promise<void>;
}

/**
 * containerBinds are the bind mounts a process in the container sees, in the order the runtime mounts them: the
 * user's binds, then the daemon's /etc/hostname, /etc/hosts and /etc/resolv.conf (where the user mounted nothing),
 * sorted parents first as moby's sortMounts does. Tmpfs mounts are not included: compat: like dockerd's own view of
 * a container, a copy reaches the directory under a tmpfs, not the tmpfs the running container sees.
 */
export function containerBinds(record: ContainerRecord): RootBind[] {
  const spec = record.spec;
  const files = { hostname: record.paths.hostnamePath, hosts: record.paths.hostsPath, resolvConf: record.paths.resolvConfPath };
  const binds = [
    ...spec.mounts.flatMap((m) => (m.type === 'bind' ? [m] : [])),
    ...networkFileMounts(files, spec.mounts, spec.security.readonlyRootfs),
  ].map((m) => ({ destination: m.destination, source: m.source, readOnly: m.readOnly }));
  const depth = (p: string): number => p.split('/').length;
  return binds.sort((a, b) => depth(a.destination) - depth(b.destination));
}

/**
 * openContainerView finds a container and opens its files: the root filesystem stays mounted (a stopped
 * container's is mounted for the purpose, as dockerd's daemon.Mount does, because overlayfs alone knows how upper
 * and lower layers combine and copy up) until the view is released. A container that is being removed or is dead
 * is refused as dockerd refuses it.
 *
 * Why mount instead of reading the upper and lower directories: writes (`docker cp` into a container) need
 * overlayfs's copy-up, and reads need its merging of whiteouts and opaque directories; mounting gives both, exactly
 * as the container sees them, and RootfsMounts shares one mount with a running (or starting) container.
 */
export async function openContainerView(ctx: EngineContext, ref: string): Promise<ContainerView> {
  const record = ctx.store.get(ref);
  if (record.state.status === 'removing' || record.state.status === 'dead') {
    throw new WharfError('Conflict', 'WHARF_CONTAINER_STATE_CONFLICT', `container ${record.id} is ${record.state.status === 'dead' ? 'dead' : 'marked for removal'}`);
  }
  const rootfs = await ctx.rootfs.acquire(record);
  let cfs: ContainerFs;
  try {
    cfs = await ContainerFs.open({ rootfs, binds: containerBinds(record) });
  } catch (err) {
    await ctx.rootfs.release(record);
    throw err;
  }
  let released = false;
  return {
    record,
    cfs,
    rootfs,
    release: async () => {
      if (released) return;
      released = true;
      try {
        await cfs.close();
      } finally {
        await ctx.rootfs.release(record);
      }
    },
  };
}

/** withContainerView runs `fn` on an open view and always releases it. */
export async function withContainerView<T>(ctx: EngineContext, ref: string, fn: (view: ContainerView) => Promise<T>): Promise<T> {
  const view = await openContainerView(ctx, ref);
  try {
    return await fn(view);
  } finally {
    await view.release();
  }
}

/** containerFileNotFound is dockerd's 404 for a path missing in a container, word for word. */
export function containerFileNotFound(path: string, container: string): WharfError {
  return notFound('WHARF_NO_SUCH_CONTAINER_PATH', `Could not find the file ${path} in container ${container}`);
}

/** rewordNotFound turns the path resolver's NotFound into dockerd's message; other errors pass through. */
export function rewordNotFound(err: unknown, path: string, container: string): unknown {
  if (isNotFound(err) && err instanceof WharfError && err.code === 'WHARF_NO_SUCH_PATH') return containerFileNotFound(path, container);
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return containerFileNotFound(path, container);
  return err;
}
