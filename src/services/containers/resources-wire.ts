import type { ResourcesSpec } from '../../core/container/container-spec.js';

/**
 * resourcesToWire renders a ResourcesSpec in HostConfig's field names and Docker's shapes (what inspect echoes and
 * what `update` merges a request into).
 */
export function resourcesToWire(r: ResourcesSpec): Record<string, unknown> {
  return {
    CgroupParent: r.cgroupParent,
    BlkioWeight: r.blkioWeight,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: r.cpuPeriod,
    CpuQuota: r.cpuQuota,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: r.cpusetCpus,
    CpusetMems: r.cpusetMems,
    Devices: r.devices.map((d) => ({ PathOnHost: d.pathOnHost, PathInContainer: d.pathInContainer, CgroupPermissions: d.cgroupPermissions })),
    DeviceCgroupRules: r.deviceCgroupRules.length > 0 ? [...r.deviceCgroupRules] : null,
    DeviceRequests: null,
    MemoryReservation: r.memoryReservation,
    MemorySwap: r.memorySwap,
    MemorySwappiness: r.memorySwappiness ?? null,
    OomKillDisable: r.oomKillDisable ?? null,
    PidsLimit: r.pidsLimit ?? null,
    Ulimits: r.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    Memory: r.memory,
    NanoCpus: r.nanoCpus,
    CpuShares: r.cpuShares,
  };
}
