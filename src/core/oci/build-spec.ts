import path from 'node:path';
import { WharfError } from '../../common/errors.js';
import { effectiveCapabilities } from '../container/capabilities.js';
import type { ContainerSpec, MountSpec } from '../container/container-spec.js';
import { mergeImageConfig, processEnv } from '../container/process-args.js';
import type { ResolvedUser } from '../container/user.js';
import type { ContainerConfig } from '../image/oci.js';
import { hostShmMount, networkFileMounts, withInit, withMounts, type NetworkFiles } from './mount-opts.js';
import { withDevices, withResources, type MappedDevice } from './resource-opts.js';
import { convertSeccompProfile, type SeccompProfile } from './seccomp.js';
import { parseSeccompProfile } from './seccomp-profile.js';
import type { LinuxSeccomp, OciDevice, OciSpec } from './spec.js';
import { defaultSpec } from './spec-defaults.js';
import type { SpecHost } from './spec-host.js';
import * as opt from './spec-opts.js';

/** DEFAULT_CGROUP_PARENT is the cgroup all containers go under unless told otherwise (Docker's is /docker). */
export const DEFAULT_CGROUP_PARENT = '/wharf';

/** BuildSpecInput is everything a container's config.json is computed from. */
export interface BuildSpecInput {
  /** The container ID (64 hex): names the cgroup, and its first 12 characters are the default hostname. */
  readonly id: string;
  /** The validated create request (validateCreateRequest). */
  readonly spec: ContainerSpec;
  /** The image config's `config` object (Entrypoint, Cmd, Env, WorkingDir, User, ...), if the image has one. */
  readonly image: ContainerConfig | undefined;
  /** Absolute host path of the container's mounted root filesystem (the overlay mount point). */
  readonly rootfsPath: string;
  /** The process identity: resolveUser(rootfsPath, mergeImageConfig(spec, image).user, spec.groupAdd). */
  readonly user: ResolvedUser;
  /** Host paths of the files to bind at /etc/hostname, /etc/hosts, /etc/resolv.conf (contents: host-files.ts). */
  readonly hostFiles: NetworkFiles;
  /** Parent cgroup when the request has no CgroupParent; default /wharf (cgroupfs path "<parent>/<id>"). */
  readonly cgroupParent?: string;
  /** The parsed default seccomp profile (loadSeccompProfile()); needed unless seccomp is off or custom. */
  readonly seccompProfile?: SeccompProfile;
  /** Host path of catatonit or tini; needed when the container has --init (findInitBinary). */
  readonly initBinary?: string;
  /** The request's --device entries resolved on the host (resolveDeviceMapping), in request order. */
  readonly devices?: readonly MappedDevice[];
  /** Every host device (hostDevices()); needed for --privileged. */
  readonly hostDevices?: readonly OciDevice[];
  /** Join this network namespace (e.g. one netavark set up) instead of creating a new one. */
  readonly netnsPath?: string;
  /** Host facts (defaultSpecHost()). */
  readonly host: SpecHost;
}

/**
 * containerHostname is the hostname a container gets: its own, else the host's on the host network, else the first
 * 12 characters of its ID (moby newContainer).
 */
export function containerHostname(spec: ContainerSpec, id: string, hostHostname: string): string {
  if (spec.hostname) return spec.hostname;
  return spec.network.mode === 'host' && !spec.network.disabled ? hostHostname : id.slice(0, 12);
}

const failed = (message: string): WharfError => new WharfError('FailedPrecondition', 'WHARF_SPEC_INPUT_MISSING', message);

/** seccompFor picks the filter as moby's WithSeccomp: unconfined/privileged none (privileged keeps a custom one). */
function seccompFor(input: BuildSpecInput, capabilities: readonly string[]): LinuxSeccomp | undefined {
  const choice = input.spec.security.seccomp;
  const ctx = { arch: input.host.arch, capabilities, kernelRelease: input.host.kernelRelease };
  if (choice.kind === 'unconfined') return undefined;
  if (choice.kind === 'custom') return convertSeccompProfile(parseSeccompProfile(choice.profile), ctx);
  if (input.spec.security.privileged) return undefined;
  if (input.seccompProfile === undefined) throw failed('the default seccomp profile was not provided');
  return convertSeccompProfile(input.seccompProfile, ctx);
}

function namespaceModes(input: BuildSpecInput): opt.NamespaceModes {
  const { spec, host } = input;
  const net = spec.network;
  const network = net.mode === 'host' && !net.disabled ? 'host' : input.netnsPath ? { path: input.netnsPath } : 'private';
  // compat: Docker's default is a private cgroup namespace on cgroup v2, the host's on v1 (always for privileged).
  const cgroup = spec.cgroupnsMode || (host.cgroupV2 ? 'private' : 'host');
  return { network, ipc: spec.ipcMode === 'host' ? 'host' : 'private', pid: spec.pidMode, uts: spec.utsMode, cgroup };
}

// Docker sets these for containers with their own network namespace: ping and low ports without capabilities.
const PRIVATE_NETNS_SYSCTLS = { 'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '0' };

function allMounts(input: BuildSpecInput): MountSpec[] {
  const { spec } = input;
  return [
    ...spec.mounts,
    ...networkFileMounts(input.hostFiles, spec.mounts, spec.security.readonlyRootfs),
    ...(spec.ipcMode === 'host' && !spec.mounts.some((m) => m.destination === '/dev/shm') ? [hostShmMount()] : []),
  ];
}

function processOpts(input: BuildSpecInput, hostname: string): opt.SpecOpt[] {
  const { spec } = input;
  const merged = mergeImageConfig(spec, input.image);
  const opts = [
    opt.withProcessArgs([merged.path, ...merged.args]),
    opt.withCwd(merged.workingDir),
    opt.withEnv(processEnv(merged.env, hostname, spec.tty)),
    opt.withTerminal(spec.tty, spec.consoleSize),
    opt.withUser(input.user),
  ];
  // Docker adds the init only with a private PID namespace: elsewhere a PID 1 already reaps.
  if (spec.init === true && spec.pidMode === 'private') {
    if (input.initBinary === undefined) throw failed('--init needs catatonit or tini on the host (/usr/bin/catatonit, /usr/bin/tini)');
    opts.push(withInit(input.initBinary));
  }
  return opts;
}

/**
 * buildSpec computes a container's OCI runtime config (config.json) from its validated create request and image
 * config, as dockerd's createSpec does: Docker's default spec (14 capabilities, default mounts, masked and
 * read-only paths, device cgroup list), then the process (argv from ENTRYPOINT/CMD, env, cwd, user, TTY, --init),
 * hostname, cgroup path and limits, devices, rlimits, namespaces, capabilities, seccomp, mounts (user mounts,
 * /etc/hostname, /etc/hosts, /etc/resolv.conf), oom_score_adj, sysctls, annotations and no-new-privileges.
 *
 * Pure: all host knowledge comes in through `input` (user already resolved, devices already inspected, seccomp
 * profile already loaded). Write the result with serializeSpec. Throws "no command specified" (InvalidArgument)
 * when there is nothing to run, and FailedPrecondition WHARF_SPEC_INPUT_MISSING when a needed input is absent.
 *
 * ```ts
 * const spec = validateCreateRequest(body, apiVersion);
 * const merged = mergeImageConfig(spec, image.config);             // at create: for inspect, and to fail early
 * // at start, once the root is mounted:
 * const user = await resolveUser(rootfs, merged.user, spec.groupAdd);
 * const config = buildSpec({ id, spec, image: image.config, rootfsPath: rootfs, user, hostFiles,
 *   seccompProfile: await loadSeccompProfile(), initBinary, devices, host: defaultSpecHost() });
 * await writeFile(path.join(bundle, 'config.json'), serializeSpec(config));
 * ```
 */
export function buildSpec(input: BuildSpecInput): OciSpec {
  const { spec, host } = input;
  const hostname = containerHostname(spec, input.id, host.hostname);
  const caps = effectiveCapabilities(spec.security.capAdd, spec.security.capDrop, spec.security.privileged, host.capabilities);
  const modes = namespaceModes(input);
  const parent = spec.resources.cgroupParent || input.cgroupParent || DEFAULT_CGROUP_PARENT;
  const devices = input.devices ?? [];
  if (spec.security.privileged && input.hostDevices === undefined) throw failed('--privileged needs the host device list');
  if (devices.length < spec.resources.devices.length) throw failed('the --device entries were not resolved on the host');
  const security = spec.security;
  return opt.composeSpec(
    defaultSpec(),
    opt.withRoot(input.rootfsPath, security.readonlyRootfs),
    ...processOpts(input, hostname),
    opt.withHostname(hostname, spec.domainname),
    opt.withCgroupsPath(path.posix.join(parent, input.id)),
    withResources(spec.resources),
    opt.withSysctls(modes.network === 'host' ? {} : PRIVATE_NETNS_SYSCTLS),
    opt.withSysctls(spec.sysctls),
    withDevices(devices, spec.resources.deviceCgroupRules, security.privileged, input.hostDevices ?? []),
    opt.withRlimits(spec.resources.ulimits),
    opt.withNamespaces(modes),
    opt.withCapabilities(caps),
    opt.withSeccomp(seccompFor(input, caps)),
    opt.withMaskedPaths([...(defaultSpec().linux.maskedPaths ?? []), ...host.extraMaskedPaths]),
    withMounts(allMounts(input), {
      shmSize: spec.shmSize,
      ipcMode: spec.ipcMode,
      readonlyRootfs: security.readonlyRootfs,
      privileged: security.privileged,
      writableCgroups: security.writableCgroups ?? security.privileged,
      recursiveReadOnly: host.recursiveReadOnly,
    }),
    opt.withOomScoreAdj(spec.oomScoreAdj),
    opt.withAnnotations(spec.annotations),
    opt.withNoNewPrivileges(security.noNewPrivileges),
    ...(security.maskedPaths ? [opt.withMaskedPaths(security.maskedPaths)] : []),
    ...(security.readonlyPaths ? [opt.withReadonlyPaths(security.readonlyPaths)] : []),
  );
}
