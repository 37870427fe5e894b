import path from 'node:path';
import type { BindMountSpec, MountSpec } from '../container/container-spec.js';
import { mergeTmpfsOptions, TMPFS_DEFAULT_OPTIONS } from '../container/tmpfs-options.js';
import { invalidArgument } from '../../common/errors.js';
import type { OciMount, OciSpec } from './spec.js';
import type { SpecOpt } from './spec-opts.js';

/** MountPolicy is what decides how the default and user mounts are laid out besides the mounts themselves. */
export interface MountPolicy {
  /** /dev/shm size in bytes. */
  readonly shmSize: number;
  /** "none" drops /dev/shm; "host" expects a /dev/shm bind among the mounts (see hostShmMount). */
  readonly ipcMode: 'private' | 'shareable' | 'host' | 'none';
  readonly readonlyRootfs: boolean;
  readonly privileged: boolean;
  /** Leave the cgroup filesystem writable (privileged, or `--security-opt writable-cgroups`). */
  readonly writableCgroups: boolean;
  /** Whether the runtime and kernel can make binds recursively read-only ("rro": runc >= 1.1, Linux >= 5.12). */
  readonly recursiveReadOnly: boolean;
}

// Paths Docker leaves writable under a read-only root (they are kernel or tmpfs filesystems of their own).
const WRITABLE_UNDER_RO_ROOT = new Set(['/proc', '/dev/pts', '/dev/shm', '/dev/mqueue', '/dev']);

const depth = (dest: string): number => (path.posix.normalize(dest).match(/\//g) ?? []).length;

/** sortMounts orders mounts by path depth, stably, so a parent is mounted before what lies inside it (moby sortMounts). */
export function sortMounts<T extends { readonly destination: string }>(mounts: readonly T[]): T[] {
  return mounts
    .map((m, i) => ({ m, i, d: depth(m.destination) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.m);
}

/** bindOptions computes a bind mount's options as Docker does: rbind|bind, then ro|rro, then the propagation. */
function bindOptions(m: BindMountSpec, policy: MountPolicy): string[] {
  const opts = [m.nonRecursive ? 'bind' : 'rbind'];
  if (m.readOnly) {
    const recursive = !m.readOnlyNonRecursive && policy.recursiveReadOnly;
    if (m.readOnlyForceRecursive && !policy.recursiveReadOnly) {
      throw invalidArgument(
        'WHARF_INVALID_CONTAINER_CONFIG',
        'recursively read-only mounts are not supported by the runtime or kernel (BindOptions.ReadOnlyForceRecursive)',
      );
    }
    opts.push(recursive ? 'rro' : 'ro');
  }
  opts.push(m.propagation);
  return opts;
}

/** toOciMount converts one user mount (tmpfs gets Docker's noexec,nosuid,nodev,rprivate defaults before its own). */
export function toOciMount(m: MountSpec, policy: MountPolicy): OciMount {
  if (m.type === 'tmpfs') {
    return {
      destination: m.destination,
      type: 'tmpfs',
      source: 'tmpfs',
      options: mergeTmpfsOptions([...TMPFS_DEFAULT_OPTIONS, ...m.options]),
    };
  }
  return { destination: m.destination, type: 'bind', source: m.source, options: bindOptions(m, policy) };
}

// Shared or slave bind propagation needs the root's propagation to match (moby withMounts).
function rootPropagationFor(mounts: readonly MountSpec[], current: string | undefined): string | undefined {
  let rootpg = current;
  for (const m of mounts) {
    if (m.type !== 'bind') continue;
    if ((m.propagation === 'shared' || m.propagation === 'rshared') && rootpg !== 'shared' && rootpg !== 'rshared') {
      rootpg = 'shared';
    } else if ((m.propagation === 'slave' || m.propagation === 'rslave') && !['shared', 'rshared', 'slave', 'rslave'].includes(rootpg ?? '')) {
      rootpg = 'rslave';
    }
  }
  return rootpg;
}

function keepDefault(m: OciMount, userDests: ReadonlySet<string>, policy: MountPolicy): OciMount | undefined {
  if (userDests.has(m.destination)) return undefined;
  if (userDests.has('/dev') && m.destination.startsWith('/dev/')) return undefined;
  if (m.destination === '/dev/shm') {
    if (policy.ipcMode === 'none') return undefined;
    return { ...m, options: [...m.options, `size=${policy.shmSize}`] };
  }
  return m;
}

/**
 * withMounts lays out the container's mounts as moby's withMounts: default mounts a requested mount replaces are
 * dropped (all of /dev/* when /dev itself is mounted; /dev/shm for IPC "none"), /dev/shm gets its size, the
 * requested mounts follow sorted by depth, a read-only root makes every other non-kernel mount read-only, and
 * privileged (or writable-cgroups) containers get rw /sys (resp. cgroup) and no masked or read-only paths.
 * `mounts` are the user's mounts plus the daemon's own binds (networkFileMounts, hostShmMount), as in Docker.
 */
export const withMounts = (mounts: readonly MountSpec[], policy: MountPolicy): SpecOpt => (s: OciSpec) => {
  const requested = sortMounts(mounts).map((m) => toOciMount(m, policy));
  const requestedDests = new Set(requested.map((m) => m.destination));
  const defaults = s.mounts.flatMap((m) => keepDefault(m, requestedDests, policy) ?? []);
  s.mounts = [...defaults, ...requested];
  const rootpg = rootPropagationFor(mounts, s.linux.rootfsPropagation);
  if (rootpg !== undefined) s.linux.rootfsPropagation = rootpg;
  if (policy.readonlyRootfs) {
    for (const m of s.mounts) {
      if (WRITABLE_UNDER_RO_ROOT.has(m.destination) || requestedDests.has(m.destination)) continue;
      if (!m.options.includes('ro')) m.options.push('ro');
    }
  }
  if (policy.privileged) {
    for (const m of s.mounts) if (m.destination === '/sys') m.options = m.options.filter((o) => o !== 'ro');
    s.linux.maskedPaths = [];
    s.linux.readonlyPaths = [];
  }
  if (policy.writableCgroups) {
    for (const m of s.mounts) if (m.type === 'cgroup') m.options = m.options.filter((o) => o !== 'ro');
  }
};

/** NetworkFiles are the host paths of the per-container /etc/hostname, /etc/hosts and /etc/resolv.conf. */
export interface NetworkFiles {
  readonly hostname?: string;
  readonly hosts?: string;
  readonly resolvConf?: string;
}

const daemonBind = (source: string, destination: string, readOnly: boolean): BindMountSpec => ({
  type: 'bind',
  source,
  destination,
  readOnly,
  propagation: 'rprivate',
  nonRecursive: false,
  readOnlyNonRecursive: false,
  readOnlyForceRecursive: false,
  createHostPath: false,
});

/**
 * networkFileMounts are the binds of the per-container network files (sources are files the caller wrote),
 * read-only under a read-only root, and left out where the user mounts something at that path (moby NetworkMounts).
 */
export function networkFileMounts(files: NetworkFiles, user: readonly MountSpec[], readonlyRootfs: boolean): BindMountSpec[] {
  const taken = new Set(user.map((m) => m.destination));
  const entries: [string | undefined, string][] = [
    [files.resolvConf, '/etc/resolv.conf'],
    [files.hostname, '/etc/hostname'],
    [files.hosts, '/etc/hosts'],
  ];
  return entries.flatMap(([source, destination]) =>
    source === undefined || taken.has(destination) ? [] : [daemonBind(source, destination, readonlyRootfs)],
  );
}

/** hostShmMount is the bind of the host's /dev/shm for `--ipc host` (moby IpcMounts). */
export const hostShmMount = (): BindMountSpec => daemonBind('/dev/shm', '/dev/shm', false);

/** INIT_PATH_IN_CONTAINER is where `--init` puts the init binary (Docker's /sbin/docker-init). */
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';

/** withInit bind-mounts the host's init (catatonit or tini) read-only and runs it as PID 1 in front of the args. */
export const withInit = (initBinary: string): SpecOpt => (s) => {
  s.process.args = [INIT_PATH_IN_CONTAINER, '--', ...s.process.args];
  s.mounts.push({ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: initBinary, options: ['bind', 'ro'] });
};
