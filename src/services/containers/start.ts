import fs from 'node:fs/promises';
import { WharfError } from '../../common/errors.js';
import { writeFileAtomic } from '../../core/durable/atomic-file.js';
import { resolveUser } from '../../core/container/user.js';
import type { ImageConfig } from '../../core/image/oci.js';
import { readImageConfig } from '../../core/image/resolve.js';
import { buildSpec } from '../../core/oci/build-spec.js';
import { renderHostname, renderHosts, renderResolvConf } from '../../core/oci/host-files.js';
import type { OciSpec } from '../../core/oci/spec.js';
import type { CreateOptions } from '../../core/runtime/container-runtime.js';
import { classifyStartFailure } from '../../core/runtime/start-failure.js';
import { eventAttributes, type ContainerRecord } from './container-record.js';
import { isNotModified, notModified } from './container-errors.js';
import type { EngineContext } from './engine-context.js';
import { notifyListeners } from './engine-context.js';
import { startLogRotation } from './log-rotation.js';
import { checkStart, transition } from './state.js';

/** StartMode says who starts a container: the API (a manual start) or the restart policy. */
export type StartMode = 'manual' | 'policy';

async function imageConfigOf(ctx: EngineContext, record: ContainerRecord): Promise<ImageConfig | undefined> {
  const image = await ctx.images.get(record.imageId);
  return image === undefined ? undefined : readImageConfig(ctx.content, image);
}

/** writeHostFiles writes the container's /etc/hostname, /etc/hosts and /etc/resolv.conf (bound read-write). */
async function writeHostFiles(ctx: EngineContext, record: ContainerRecord): Promise<void> {
  const net = record.spec.network;
  const hostNetwork = net.mode === 'host' && !net.disabled;
  const hosts = renderHosts({
    hostname: record.hostname,
    domainname: record.spec.domainname,
    extraHosts: net.extraHosts,
    ownAddresses: [],
    ...(hostNetwork ? { hostHostsFile: await ctx.host.hostsFile() } : {}),
  });
  const resolv = renderResolvConf({
    hostResolvConf: await ctx.host.resolvConf(),
    hostNetwork,
    dns: net.dns,
    dnsSearch: net.dnsSearch,
    dnsOptions: net.dnsOptions,
  });
  await writeFileAtomic(record.paths.hostnamePath, renderHostname(record.hostname));
  await writeFileAtomic(record.paths.hostsPath, hosts);
  await writeFileAtomic(record.paths.resolvConfPath, resolv);
}

/**
 * createBindSources makes the missing host directories of `-v` binds (createHostPath; `--mount` binds were refused
 * at create instead). compat: dockerd creates a missing HostConfig.Binds source as a 0755 directory at every start
 * (volume/mounts MountPoint.Setup); without it runc fails with "no such file or directory", which the CLIs report
 * as exit 127. An existing file or directory is used as it is.
 */
async function createBindSources(record: ContainerRecord): Promise<void> {
  for (const m of record.spec.mounts) {
    if (m.type !== 'bind' || !m.createHostPath) continue;
    try {
      await fs.mkdir(m.source, { recursive: true, mode: 0o755 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') continue;
      throw new WharfError('Internal', 'WHARF_BIND_SOURCE_CREATE_FAILED',
        `error while creating mount source path '${m.source}': ${(err as Error).message}`, { cause: err });
    }
  }
}

/**
 * prepareSpec computes the container's config.json. It reads files from the mounted root (the user's passwd and
 * group) and must run without the container's lock: a hostile image cannot stall other operations on it.
 */
async function prepareSpec(ctx: EngineContext, record: ContainerRecord): Promise<OciSpec> {
  const spec = { ...record.spec, warnings: [] };
  const image = await imageConfigOf(ctx, record);
  const user = await resolveUser(record.paths.rootfs, record.config.user, spec.groupAdd);
  await writeHostFiles(ctx, record);
  await createBindSources(record);
  const security = spec.security;
  const needsProfile = !security.privileged && security.seccomp.kind === 'default';
  const devices = [];
  for (const m of spec.resources.devices) devices.push(...(await ctx.host.resolveDevice(m)));
  return buildSpec({
    id: record.id,
    spec,
    image: image?.config,
    rootfsPath: record.paths.rootfs,
    user,
    hostFiles: { hostname: record.paths.hostnamePath, hosts: record.paths.hostsPath, resolvConf: record.paths.resolvConfPath },
    ...(needsProfile ? { seccompProfile: await ctx.host.seccompProfile() } : {}),
    ...(spec.init === true ? { initBinary: ctx.host.initBinary() } : {}),
    devices,
    ...(security.privileged ? { hostDevices: await ctx.host.devices() } : {}),
    host: ctx.host.spec,
  });
}

function createOptions(record: ContainerRecord): CreateOptions {
  const log = record.spec.logConfig;
  const truncateAt = log.maxSize !== undefined && (log.maxFile ?? 1) <= 1 ? log.maxSize : undefined;
  return {
    tty: record.spec.tty,
    openStdin: record.spec.openStdin,
    stdinOnce: record.spec.stdinOnce,
    ...(record.paths.logPath !== '' ? { logPath: record.paths.logPath } : {}),
    ...(truncateAt !== undefined ? { logMaxSize: truncateAt } : {}),
  };
}

/**
 * startFailure turns a runtime's refusal into Docker's error: the OCI runtime's message, 400 when the user's
 * command or mounts are at fault (the docker CLI then exits 127 for "executable file not found" / "no such file",
 * 126 for "permission denied"), 500 otherwise. Returns the exit code Docker records for the failed start.
 */
export function startFailure(err: unknown, argv0: string): { error: Error; exitCode: number } {
  if (!(err instanceof WharfError) || err.code !== 'WHARF_RUNTIME_CREATE_FAILED') return { error: err as Error, exitCode: 128 };
  const c = classifyStartFailure(err.message, argv0);
  const message = c.message.startsWith('OCI runtime') ? c.message : `OCI runtime create failed: ${c.message}: unknown`;
  const error = c.invalidConfig
    ? new WharfError('InvalidArgument', 'WHARF_CONTAINER_START_INVALID', message, { cause: err })
    : new WharfError('Internal', 'WHARF_CONTAINER_START_FAILED', message, { cause: err });
  return { error, exitCode: c.exitCode ?? 128 };
}

async function runInRuntime(ctx: EngineContext, id: string, spec: OciSpec, mode: StartMode): Promise<void> {
  await ctx.store.withLock(id, async () => {
    const record = ctx.store.get(id);
    // A policy restart that a stop or rm cancelled while its config was being prepared goes no further.
    if (mode === 'policy' && record.state.status !== 'restarting') throw notModified('the restart was cancelled');
    if (mode === 'manual') checkStart(record);
    await ctx.runtime.prepareBundle(id, spec as unknown as Record<string, unknown>);
    const created = await ctx.runtime.create(id, createOptions(record));
    for (const l of ctx.listeners) if (l.created) await l.created(record);
    await ctx.runtime.start(id);
    const started = await ctx.store.update(id, (r) => ({ ...r, state: transition(id, r.state, 'start', { pid: created.pid }) }));
    ctx.events.publish({ type: 'container', action: 'start', actor: { id, attributes: eventAttributes(started) } });
  });
}

async function recordFailure(ctx: EngineContext, record: ContainerRecord, err: unknown, mounted: boolean): Promise<Error> {
  const { error, exitCode } = startFailure(err, record.config.path);
  await ctx.runtime.delete(record.id, { force: true }).catch(() => undefined);
  if (mounted) await ctx.rootfs.release(record).catch((e: unknown) => ctx.log.warn({ err: e, containerId: record.id }, 'unmount after a failed start'));
  const current = ctx.store.byId(record.id);
  if (current !== undefined && current.state.status !== 'removing' && current.state.status !== 'running') {
    await ctx.store
      .update(record.id, (r) => ({ ...r, state: transition(r.id, r.state, 'start-failed', { exitCode, error: error.message }) }))
      .catch((e: unknown) => ctx.log.warn({ err: e, containerId: record.id }, 'recording a failed start'));
  }
  // compat: like dockerd, a failed start does not end a `wait` (the container never ran); AutoRemove's removal does.
  return error;
}

async function doStart(ctx: EngineContext, id: string, mode: StartMode): Promise<void> {
  const record = await ctx.store.withLock(id, async () => {
    const r = ctx.store.get(id);
    if (mode === 'policy') return r.state.status === 'restarting' ? r : undefined;
    checkStart(r);
    ctx.restarts.forget(id);
    // compat: a manual start clears the manual stop and starts the policy's restart count over.
    return ctx.store.update(id, (c) => ({ ...c, manuallyStopped: false, state: { ...c.state, restartCount: 0 } }));
  });
  if (record === undefined) return;
  let mounted = false;
  try {
    await ctx.rootfs.acquire(record);
    mounted = true;
    await runInRuntime(ctx, id, await prepareSpec(ctx, record), mode);
  } catch (err) {
    if (mode === 'policy' && isNotModified(err)) {
      if (mounted) await ctx.rootfs.release(record);
      return;
    }
    throw await recordFailure(ctx, record, err, mounted);
  }
  const started = ctx.store.get(id);
  startLogRotation(ctx, started);
  notifyListeners(ctx, (l) => l.started?.(started));
}

/**
 * startContainer is `POST /containers/{id}/start` (mode `manual`) and a policy restart (mode `policy`): mount the
 * root (overlay of the image's layers plus the container's upper dir), compute config.json without holding the
 * container's lock (resolving the user reads the image's /etc/passwd), then create and start it in the runtime.
 * On failure the root is unmounted and the error recorded (State.Error, ExitCode 127/126/128), and the failure
 * is thrown in Docker's words. A start racing another start of the same container waits for it.
 */
export async function startContainer(ctx: EngineContext, ref: string, mode: StartMode = 'manual'): Promise<void> {
  const id = ctx.store.get(ref).id;
  const inflight = ctx.starting.get(id);
  if (inflight !== undefined) {
    await inflight.catch(() => undefined);
    if (mode === 'policy') return;
    return startContainer(ctx, id, mode);
  }
  const p = doStart(ctx, id, mode);
  ctx.starting.set(id, p);
  try {
    await p;
  } finally {
    if (ctx.starting.get(id) === p) ctx.starting.delete(id);
  }
}
