import type { ContainerSpec, MountSpec, RestartPolicy, SecuritySpec } from './container-spec.js';
import { normalizeCapabilities } from './capabilities.js';
import type { HostFacts } from './host-facts.js';
import { readLogConfig } from './log-config.js';
import { checkDuplicateMounts, parseBind, parseTmpfsMap, readMounts } from './mount-spec.js';
import { readNetwork } from './network-spec.js';
import { readResources } from './resources.js';
import { parseSecurityOpt } from './security-opt.js';
import { invalidConfig, notImplemented, type WireReader } from './wire-reader.js';

/** DEFAULT_SHM_BYTES is /dev/shm's size when ShmSize is 0 (Docker's 64 MiB). */
export const DEFAULT_SHM_BYTES = 64 * 1024 * 1024;

/** HostPart is the HostConfig half of a ContainerSpec. */
export type HostPart = Omit<
  ContainerSpec,
  | 'image' | 'hostname' | 'domainname' | 'user' | 'attachStdin' | 'attachStdout' | 'attachStderr' | 'tty'
  | 'openStdin' | 'stdinOnce' | 'env' | 'cmd' | 'entrypoint' | 'workingDir' | 'labels' | 'stopSignal'
  | 'stopTimeout' | 'healthcheck' | 'exposedPorts' | 'argsEscaped' | 'shell' | 'warnings'
>;

/** HostConfigInput is what readHostConfig needs from the request besides HostConfig itself. */
export interface HostConfigInput {
  readonly hostConfig: Record<string, unknown>;
  readonly networkingConfig: Record<string, unknown> | undefined;
  readonly hostname: string;
  readonly networkDisabled: boolean;
  readonly apiAtLeast: (min: string) => boolean;
  readonly host: HostFacts;
}

function readRestartPolicy(r: WireReader, v: unknown): RestartPolicy {
  const o = r.optObject(v, 'HostConfig.RestartPolicy') ?? {};
  const name = r.str(o.Name, 'HostConfig.RestartPolicy.Name') || 'no';
  const maximumRetryCount = r.int(o.MaximumRetryCount, 'HostConfig.RestartPolicy.MaximumRetryCount');
  if (name === 'always' || name === 'unless-stopped' || name === 'no') {
    if (maximumRetryCount !== 0) {
      const tail = maximumRetryCount < 0 ? ' and cannot be negative' : '';
      throw invalidConfig(`invalid restart policy: maximum retry count can only be used with 'on-failure'${tail}`);
    }
    return { name, maximumRetryCount };
  }
  if (name === 'on-failure') {
    if (maximumRetryCount < 0) throw invalidConfig('invalid restart policy: maximum retry count cannot be negative');
    return { name, maximumRetryCount };
  }
  throw invalidConfig(
    `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
  );
}

function readMountsAll(r: WireReader, hc: Record<string, unknown>, input: HostConfigInput): MountSpec[] {
  const before144 = !input.apiAtLeast('1.44');
  const binds = r.strings(hc.Binds, 'HostConfig.Binds').map((b) => parseBind(b, before144));
  const tmpfs = parseTmpfsMap(r.map(hc.Tmpfs, 'HostConfig.Tmpfs'));
  const mounts = readMounts(r, hc.Mounts, { apiVersion: input.apiAtLeast, pathExists: input.host.pathExists });
  const all = [...binds, ...tmpfs, ...mounts];
  checkDuplicateMounts(all);
  if (r.strings(hc.VolumesFrom, 'HostConfig.VolumesFrom').length > 0) throw notImplemented('--volumes-from is not supported yet');
  return all;
}

function readSecurity(r: WireReader, hc: Record<string, unknown>, host: HostFacts, warnings: string[]): SecuritySpec {
  const opts = parseSecurityOpt(r.strings(hc.SecurityOpt, 'HostConfig.SecurityOpt'), warnings);
  const maskedPaths = r.optStringArray(hc.MaskedPaths, 'HostConfig.MaskedPaths');
  const readonlyPaths = r.optStringArray(hc.ReadonlyPaths, 'HostConfig.ReadonlyPaths');
  return {
    privileged: r.bool(hc.Privileged, 'HostConfig.Privileged'),
    readonlyRootfs: r.bool(hc.ReadonlyRootfs, 'HostConfig.ReadonlyRootfs'),
    capAdd: normalizeCapabilities(r.strings(hc.CapAdd, 'HostConfig.CapAdd'), 'CapAdd', host.capabilities),
    capDrop: normalizeCapabilities(r.strings(hc.CapDrop, 'HostConfig.CapDrop'), 'CapDrop', host.capabilities),
    ...opts,
    ...(maskedPaths ? { maskedPaths } : {}),
    ...(readonlyPaths ? { readonlyPaths } : {}),
  };
}

type Modes = Pick<ContainerSpec, 'ipcMode' | 'pidMode' | 'utsMode' | 'cgroupnsMode'>;

function readModes(r: WireReader, hc: Record<string, unknown>, input: HostConfigInput): Modes {
  const ipc = r.str(hc.IpcMode, 'HostConfig.IpcMode');
  const pid = r.str(hc.PidMode, 'HostConfig.PidMode');
  const uts = r.str(hc.UTSMode, 'HostConfig.UTSMode');
  const cgroupns = r.str(hc.CgroupnsMode, 'HostConfig.CgroupnsMode');
  const userns = r.str(hc.UsernsMode, 'HostConfig.UsernsMode');
  if (ipc.startsWith('container:') || pid.startsWith('container:')) throw notImplemented('sharing another container\'s namespaces is not supported yet');
  if (!['', 'private', 'shareable', 'host', 'none'].includes(ipc)) throw invalidConfig(`invalid IPC mode: ${ipc}`);
  if (!['', 'host'].includes(pid)) throw invalidConfig(`invalid PID mode: ${pid}`);
  if (!['', 'host'].includes(uts)) throw invalidConfig(`invalid UTS mode: ${uts}`);
  if (!['', 'private', 'host'].includes(cgroupns)) throw invalidConfig(`invalid cgroup namespace mode: ${cgroupns}`);
  if (!['', 'host'].includes(userns)) throw notImplemented(`user namespace mode "${userns}" is not supported`);
  if (uts === 'host' && input.hostname !== '') throw invalidConfig('conflicting options: hostname and the UTS mode');
  // compat: before API 1.40 the default IPC mode was "shareable".
  const ipcMode = (ipc || (input.apiAtLeast('1.40') ? 'private' : 'shareable')) as Modes['ipcMode'];
  return { ipcMode, pidMode: pid === 'host' ? 'host' : 'private', utsMode: uts === 'host' ? 'host' : 'private', cgroupnsMode: cgroupns as Modes['cgroupnsMode'] };
}

const IPC_SYSCTLS = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced'];

/** checkSysctls allows only namespaced sysctls whose namespace the container owns (runc's validateSysctl rules). */
export function checkSysctls(sysctls: Readonly<Record<string, string>>, modes: Modes, networkHost: boolean): void {
  for (const key of Object.keys(sysctls)) {
    if (IPC_SYSCTLS.includes(key) || key.startsWith('fs.mqueue.')) {
      if (modes.ipcMode === 'host') throw invalidConfig(`sysctl ${JSON.stringify(key)} is not allowed in the hosts ipc namespace`);
    } else if (key.startsWith('net.')) {
      if (networkHost) throw invalidConfig(`sysctl ${JSON.stringify(key)} not allowed in host network namespace`);
    } else if (key === 'kernel.domainname' || key === 'kernel.hostname') {
      if (modes.utsMode === 'host') throw invalidConfig(`sysctl ${JSON.stringify(key)} is not allowed in the hosts uts namespace`);
    } else {
      throw invalidConfig(`sysctl ${JSON.stringify(key)} is not in a separate kernel namespace`);
    }
  }
}

function refuseUnsupported(r: WireReader, hc: Record<string, unknown>): void {
  if (Object.keys(r.map(hc.StorageOpt, 'HostConfig.StorageOpt')).length > 0) throw notImplemented('--storage-opt is not supported');
  if (r.str(hc.Cgroup, 'HostConfig.Cgroup') !== '') throw notImplemented('HostConfig.Cgroup is not supported');
  const runtime = r.str(hc.Runtime, 'HostConfig.Runtime');
  if (runtime !== '' && runtime !== 'runc') throw invalidConfig(`unknown or invalid runtime name: ${runtime}`);
  const isolation = r.str(hc.Isolation, 'HostConfig.Isolation');
  if (isolation !== '' && isolation !== 'default') throw invalidConfig(`invalid isolation (${isolation}): linux only supports 'default'`);
}

function readAnnotations(r: WireReader, hc: Record<string, unknown>, input: HostConfigInput): Record<string, string> {
  if (!input.apiAtLeast('1.43')) return {};
  const annotations = r.map(hc.Annotations, 'HostConfig.Annotations');
  if ('' in annotations) throw invalidConfig('invalid Annotations: the empty string is not permitted as an annotation key');
  return annotations;
}

function readConsoleSize(r: WireReader, hc: Record<string, unknown>, input: HostConfigInput): [number, number] | undefined {
  if (!input.apiAtLeast('1.42') || hc.ConsoleSize === undefined || hc.ConsoleSize === null) return undefined;
  const [h = 0, w = 0] = r.array(hc.ConsoleSize, 'HostConfig.ConsoleSize', 2).map((n, i) => r.nonNegativeInt(n, `HostConfig.ConsoleSize[${i}]`));
  return h > 0 && w > 0 ? [h, w] : undefined;
}

/**
 * readHostConfig reads and validates HostConfig (and NetworkingConfig) into the host half of a ContainerSpec,
 * following moby's validateHostConfig and verifyPlatformContainerSettings, with the create route's API version
 * gates. Options wharf cannot honour yet are NotImplemented; cosmetic ones add to `warnings`.
 */
export function readHostConfig(r: WireReader, input: HostConfigInput, warnings: string[]): HostPart {
  const hc = input.hostConfig;
  refuseUnsupported(r, hc);
  const restartPolicy = readRestartPolicy(r, hc.RestartPolicy);
  const autoRemove = input.apiAtLeast('1.25') && r.bool(hc.AutoRemove, 'HostConfig.AutoRemove');
  if (autoRemove && restartPolicy.name !== 'no') throw invalidConfig("can't create 'AutoRemove' container with restart policy");
  const mounts = readMountsAll(r, hc, input);
  const network = readNetwork(r, { ...input, before144: !input.apiAtLeast('1.44') }, warnings);
  const resources = readResources(r, hc, input.host.cpuCount, warnings);
  const oomScoreAdj = r.int(hc.OomScoreAdj, 'HostConfig.OomScoreAdj');
  if (oomScoreAdj < -1000 || oomScoreAdj > 1000) throw invalidConfig(`Invalid value ${oomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  const shmSize = r.int(hc.ShmSize, 'HostConfig.ShmSize');
  if (shmSize < 0) throw invalidConfig('SHM size can not be less than 0');
  const modes = readModes(r, hc, input);
  const sysctls = r.map(hc.Sysctls, 'HostConfig.Sysctls');
  checkSysctls(sysctls, modes, network.mode === 'host' && !network.disabled);
  const init = r.optBoolean(hc.Init, 'HostConfig.Init');
  const consoleSize = readConsoleSize(r, hc, input);
  return {
    mounts,
    security: readSecurity(r, hc, input.host, warnings),
    ...(init !== undefined ? { init } : {}),
    restartPolicy,
    autoRemove,
    resources,
    oomScoreAdj,
    shmSize: shmSize || DEFAULT_SHM_BYTES,
    logConfig: readLogConfig(r, hc.LogConfig),
    network,
    ...modes,
    sysctls,
    groupAdd: r.strings(hc.GroupAdd, 'HostConfig.GroupAdd'),
    annotations: readAnnotations(r, hc, input),
    ...(consoleSize ? { consoleSize } : {}),
  };
}
