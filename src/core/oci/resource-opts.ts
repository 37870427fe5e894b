import type { ResourcesSpec } from '../container/container-spec.js';
import { parseDeviceCgroupRule } from '../container/resources.js';
import type { OciDevice, OciDeviceRule, OciResources } from './spec.js';
import type { SpecOpt } from './spec-opts.js';

/** CFS_PERIOD_US is the CFS period Docker uses to express NanoCpus as a quota (100 ms). */
export const CFS_PERIOD_US = 100_000;

function memoryOf(r: ResourcesSpec): OciResources['memory'] {
  const m: NonNullable<OciResources['memory']> = {};
  if (r.memory > 0) m.limit = r.memory;
  if (r.memoryReservation > 0) m.reservation = r.memoryReservation;
  // compat: Docker's MemorySwap is memory+swap (cgroup v1 memsw); -1 (unlimited) is simply left unset.
  if (r.memorySwap > 0) m.swap = r.memorySwap;
  if (r.memorySwappiness !== undefined) m.swappiness = r.memorySwappiness;
  if (r.oomKillDisable) m.disableOOMKiller = true;
  return Object.keys(m).length > 0 ? m : undefined;
}

function cpuOf(r: ResourcesSpec): OciResources['cpu'] {
  const c: NonNullable<OciResources['cpu']> = {};
  if (r.cpuShares !== 0) c.shares = r.cpuShares;
  if (r.cpusetCpus) c.cpus = r.cpusetCpus;
  if (r.cpusetMems) c.mems = r.cpusetMems;
  if (r.nanoCpus > 0) {
    c.period = CFS_PERIOD_US;
    c.quota = Math.floor((r.nanoCpus * CFS_PERIOD_US) / 1e9);
  }
  if (r.cpuPeriod !== 0) c.period = r.cpuPeriod;
  if (r.cpuQuota !== 0) c.quota = r.cpuQuota;
  return Object.keys(c).length > 0 ? c : undefined;
}

/**
 * withResources writes the cgroup limits as moby's WithResources (getMemoryResources, getCPUResources,
 * getPidsLimit): memory limit/reservation/swap(=memory+swap)/swappiness, CPU shares, cpuset, NanoCpus as
 * quota over a 100 ms period (an explicit CpuPeriod/CpuQuota wins), the pids limit and the blkio weight.
 */
export const withResources = (r: ResourcesSpec): SpecOpt => (s) => {
  const memory = memoryOf(r);
  const cpu = cpuOf(r);
  if (memory) s.linux.resources.memory = memory;
  else delete s.linux.resources.memory;
  if (cpu) s.linux.resources.cpu = cpu;
  else delete s.linux.resources.cpu;
  if (r.pidsLimit !== undefined && r.pidsLimit > 0) s.linux.resources.pids = { limit: r.pidsLimit };
  else delete s.linux.resources.pids;
  if (r.blkioWeight > 0) s.linux.resources.blockIO = { weight: r.blkioWeight };
  else delete s.linux.resources.blockIO;
};

/** MappedDevice is a `--device` resolved on the host: the node to create and its permissions in the cgroup. */
export interface MappedDevice {
  readonly device: OciDevice;
  readonly cgroupPermissions: string;
}

/**
 * withDevices adds devices as moby's WithDevices. Unprivileged: each mapped device node plus an allow rule with
 * its permissions, then the `--device-cgroup-rule` entries. Privileged: every host device plus the mapped ones
 * whose container path differs, and a final allow-all rule.
 */
export const withDevices = (
  mapped: readonly MappedDevice[],
  cgroupRules: readonly string[],
  privileged: boolean,
  hostDevices: readonly OciDevice[],
): SpecOpt => (s) => {
  const rules: OciDeviceRule[] = [];
  if (privileged) {
    s.linux.devices.push(...hostDevices.map((d) => ({ ...d })));
    const hostPaths = new Set(hostDevices.map((d) => d.path));
    s.linux.devices.push(...mapped.filter((m) => !hostPaths.has(m.device.path)).map((m) => ({ ...m.device })));
    rules.push({ allow: true, access: 'rwm' });
  } else {
    for (const m of mapped) {
      s.linux.devices.push({ ...m.device });
      if (m.device.type === 'c' || m.device.type === 'b') {
        rules.push({ allow: true, type: m.device.type, major: m.device.major, minor: m.device.minor, access: m.cgroupPermissions });
      }
    }
    for (const raw of cgroupRules) {
      const rule = parseDeviceCgroupRule(raw);
      rules.push({ allow: true, type: rule.type, major: rule.major, minor: rule.minor, access: rule.access });
    }
  }
  s.linux.resources.devices.push(...rules);
};
