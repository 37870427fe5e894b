import type { DeviceMapping, ResourcesSpec, Ulimit } from './container-spec.js';
import { invalidConfig, notImplemented, type WireReader } from './wire-reader.js';

/** LINUX_MIN_MEMORY is Docker's smallest memory limit (6 MiB, for start-up overhead). */
export const LINUX_MIN_MEMORY = 6 * 1024 * 1024;

/** ULIMIT_NAMES are the `--ulimit` names Docker knows (go-units ulimitNameMapping). */
export const ULIMIT_NAMES: readonly string[] = [
  'as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio',
  'rttime', 'sigpending', 'stack',
];

/** ParsedDeviceRule is one `--device-cgroup-rule` ("c 1:3 rwm"); -1 stands for "*". */
export interface ParsedDeviceRule {
  readonly type: 'a' | 'c' | 'b';
  readonly major: number;
  readonly minor: number;
  readonly access: string;
}

/** parseDeviceCgroupRule reads "<a|b|c> <major|*>:<minor|*> <rwm>" as moby AppendDevicePermissionsFromCgroupRules. */
export function parseDeviceCgroupRule(rule: string): ParsedDeviceRule {
  const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(rule);
  if (!m) throw invalidConfig(`invalid device cgroup rule format: '${rule}'`);
  const num = (s: string): number => (s === '*' ? -1 : Number(s));
  return { type: m[1] as 'a' | 'c' | 'b', major: num(m[2] as string), minor: num(m[3] as string), access: m[4] as string };
}

/** parseCpuList reads a cpuset list ("0-3,5") into its numbers, or throws Docker's "Invalid value" error. */
export function parseCpuList(list: string, what: 'cpus' | 'mems'): number[] {
  const out = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const lo = Number(m?.[1]);
    const hi = m?.[2] === undefined ? lo : Number(m[2]);
    if (!m || hi < lo || hi - lo > 65536) throw invalidConfig(`Invalid value ${list} for cpuset ${what}: invalid format: ${list}`);
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

function readUlimits(r: WireReader, v: unknown): Ulimit[] {
  return r.objects(v, 'HostConfig.Ulimits').map((u, i) => {
    const name = r.str(u.Name, `HostConfig.Ulimits[${i}].Name`);
    const soft = r.int(u.Soft, `HostConfig.Ulimits[${i}].Soft`);
    const hard = r.int(u.Hard, `HostConfig.Ulimits[${i}].Hard`);
    if (!ULIMIT_NAMES.includes(name)) throw invalidConfig(`invalid ulimit type: ${name}`);
    // compat: -1 is RLIM_INFINITY (Docker casts it to uint64); other negatives are meaningless.
    if (soft < -1 || hard < -1) throw invalidConfig(`invalid ulimit value for ${name}: values must be -1 (unlimited) or positive`);
    const unlimited = (n: number): number => (n === -1 ? Number.POSITIVE_INFINITY : n);
    if (unlimited(soft) > unlimited(hard)) {
      throw invalidConfig(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
    }
    return { name, soft, hard };
  });
}

function readDevices(r: WireReader, v: unknown): DeviceMapping[] {
  return r.objects(v, 'HostConfig.Devices').map((d, i) => {
    const pathOnHost = r.str(d.PathOnHost, `HostConfig.Devices[${i}].PathOnHost`);
    const pathInContainer = r.str(d.PathInContainer, `HostConfig.Devices[${i}].PathInContainer`) || pathOnHost;
    const cgroupPermissions = r.str(d.CgroupPermissions, `HostConfig.Devices[${i}].CgroupPermissions`) || 'rwm';
    if (!pathOnHost.startsWith('/')) throw invalidConfig(`invalid device mapping: path on host '${pathOnHost}' must be absolute`);
    if (!pathInContainer.startsWith('/')) throw invalidConfig(`bad format for path: ${pathInContainer}`);
    if (!/^(?!.*(.).*\1)[rwm]{1,3}$/.test(cgroupPermissions)) throw invalidConfig(`invalid device mode: ${cgroupPermissions}`);
    return { pathOnHost, pathInContainer, cgroupPermissions };
  });
}

// Options with no wharf support yet that change behaviour when set: refused, never silently dropped.
function refuseUnsupported(r: WireReader, hc: Record<string, unknown>): void {
  for (const key of ['BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps', 'DeviceRequests']) {
    if (r.objects(hc[key], `HostConfig.${key}`).length > 0) throw notImplemented(`HostConfig.${key} is not supported yet`);
  }
  if (r.int(hc.CpuRealtimePeriod, 'HostConfig.CpuRealtimePeriod') !== 0 || r.int(hc.CpuRealtimeRuntime, 'HostConfig.CpuRealtimeRuntime') !== 0) {
    throw invalidConfig('kernel does not support CPU real-time scheduler');
  }
  if (r.int(hc.IOMaximumBandwidth, 'HostConfig.IOMaximumBandwidth') !== 0) {
    throw invalidConfig('invalid option: QoS maximum bandwidth configuration is not supported on linux');
  }
  if (r.int(hc.IOMaximumIOps, 'HostConfig.IOMaximumIOps') !== 0) {
    throw invalidConfig('invalid option: QoS maximum IOPs configuration is not supported on linux');
  }
}

/**
 * readResources reads the cgroup limits of HostConfig and applies Docker's checks, in Docker's order and words
 * (daemon_unix.go verifyPlatformContainerResources): the 6MB minimum, swap vs memory, swappiness 0-100,
 * reservation, NanoCpus vs CPU count and vs period/quota, CFS bounds, cpuset syntax and availability, blkio weight.
 * Docker's normalisations are applied too: MemorySwap 0 with a memory limit becomes twice the limit (as
 * adaptContainerSettings stores it), PidsLimit <= 0 means unlimited. `warnings` receives Docker's warnings.
 */
export function readResources(r: WireReader, hc: Record<string, unknown>, cpuCount: number, warnings: string[]): ResourcesSpec {
  refuseUnsupported(r, hc);
  const int = (k: string): number => r.int(hc[k], `HostConfig.${k}`);
  const memory = int('Memory');
  let memorySwap = int('MemorySwap');
  const memoryReservation = int('MemoryReservation');
  let memorySwappiness = r.optInt(hc.MemorySwappiness, 'HostConfig.MemorySwappiness');
  if (memorySwappiness === -1) memorySwappiness = undefined;
  const oomKillDisable = r.optBoolean(hc.OomKillDisable, 'HostConfig.OomKillDisable');
  checkMemory({ memory, memorySwap, memoryReservation, memorySwappiness });
  if (oomKillDisable && memory === 0) {
    warnings.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  }
  if (memory > 0 && memorySwap === 0) memorySwap = memory * 2;
  const cpu = readCpu(r, hc, cpuCount, warnings);
  const pids = r.optInt(hc.PidsLimit, 'HostConfig.PidsLimit');
  const blkioWeight = int('BlkioWeight');
  if (blkioWeight > 0 && (blkioWeight < 10 || blkioWeight > 1000)) throw invalidConfig('Range of blkio weight is from 10 to 1000');
  if (blkioWeight < 0) throw invalidConfig('Range of blkio weight is from 10 to 1000');
  const deviceCgroupRules = r.strings(hc.DeviceCgroupRules, 'HostConfig.DeviceCgroupRules');
  deviceCgroupRules.forEach(parseDeviceCgroupRule);
  return {
    memory,
    memorySwap,
    memoryReservation,
    ...(memorySwappiness !== undefined ? { memorySwappiness } : {}),
    ...(oomKillDisable !== undefined ? { oomKillDisable } : {}),
    ...cpu,
    ...(pids !== undefined && pids > 0 ? { pidsLimit: pids } : {}),
    blkioWeight,
    ulimits: readUlimits(r, hc.Ulimits),
    devices: readDevices(r, hc.Devices),
    deviceCgroupRules,
    cgroupParent: r.str(hc.CgroupParent, 'HostConfig.CgroupParent'),
  };
}

interface MemoryInput {
  readonly memory: number;
  readonly memorySwap: number;
  readonly memoryReservation: number;
  readonly memorySwappiness: number | undefined;
}

function checkMemory(m: MemoryInput): void {
  if (m.memory !== 0 && m.memory < LINUX_MIN_MEMORY) throw invalidConfig('Minimum memory limit allowed is 6MB');
  if (m.memorySwap < -1) throw invalidConfig(`invalid MemorySwap ${m.memorySwap}: use -1 for unlimited swap`);
  if (m.memory > 0 && m.memorySwap > 0 && m.memorySwap < m.memory) {
    throw invalidConfig('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (m.memory === 0 && m.memorySwap > 0) {
    throw invalidConfig('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (m.memorySwappiness !== undefined && (m.memorySwappiness < 0 || m.memorySwappiness > 100)) {
    throw invalidConfig(`Invalid value: ${m.memorySwappiness}, valid memory swappiness range is 0-100`);
  }
  if (m.memoryReservation !== 0 && m.memoryReservation < LINUX_MIN_MEMORY) {
    throw invalidConfig('Minimum memory reservation allowed is 6MB');
  }
  if (m.memory > 0 && m.memoryReservation > 0 && m.memory < m.memoryReservation) {
    throw invalidConfig('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
}

type CpuPart = Pick<ResourcesSpec, 'nanoCpus' | 'cpuShares' | 'cpuPeriod' | 'cpuQuota' | 'cpusetCpus' | 'cpusetMems'>;

function readCpu(r: WireReader, hc: Record<string, unknown>, cpuCount: number, warnings: string[]): CpuPart {
  const int = (k: string): number => r.int(hc[k], `HostConfig.${k}`);
  const nanoCpus = int('NanoCpus');
  const cpuPeriod = int('CpuPeriod');
  const cpuQuota = int('CpuQuota');
  const cpuShares = int('CpuShares');
  if (nanoCpus > 0 && cpuPeriod > 0) throw invalidConfig('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nanoCpus > 0 && cpuQuota > 0) throw invalidConfig('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nanoCpus !== 0 && (nanoCpus < 0 || nanoCpus > cpuCount * 1e9)) {
    throw invalidConfig(`range of CPUs is from 0.01 to ${cpuCount}.00, as there are only ${cpuCount} CPUs available`);
  }
  if (int('CpuPercent') > 0) warnings.push('linux does not support CPU percent. Percent discarded.');
  if (cpuPeriod !== 0 && (cpuPeriod < 1000 || cpuPeriod > 1_000_000)) {
    throw invalidConfig('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (cpuQuota > 0 && cpuQuota < 1000) throw invalidConfig('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (cpuQuota < -1) throw invalidConfig(`invalid CpuQuota ${cpuQuota}: use -1 for no quota`);
  if (cpuShares < 0) throw invalidConfig(`invalid CPU shares (${cpuShares}): value must be a positive integer`);
  const cpusetCpus = r.str(hc.CpusetCpus, 'HostConfig.CpusetCpus');
  if (cpusetCpus !== '') {
    const cpus = parseCpuList(cpusetCpus, 'cpus');
    if (cpus.some((c) => c >= cpuCount)) {
      const available = cpuCount === 1 ? '0' : `0-${cpuCount - 1}`;
      throw invalidConfig(`Requested CPUs are not available - requested ${cpusetCpus}, available: ${available}`);
    }
  }
  const cpusetMems = r.str(hc.CpusetMems, 'HostConfig.CpusetMems');
  if (cpusetMems !== '') parseCpuList(cpusetMems, 'mems');
  return { nanoCpus, cpuShares, cpuPeriod, cpuQuota, cpusetCpus, cpusetMems };
}
