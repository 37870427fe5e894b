import type { ContainerStats } from '../../../client/containers-admin-api.js';
import { truncateId } from '../../render/contexts/image-context.js';
import { goFormatFixed } from '../../render/go-float.js';
import { marshalContext } from '../../render/template/go-json.js';
import { bytesSize, humanSizeWithPrecision } from '../../render/units.js';

/** STATS_HEADER maps stats fields to docker's column titles. */
export const STATS_HEADER: Readonly<Record<string, string>> = {
  Container: 'CONTAINER', Name: 'NAME', ID: 'CONTAINER ID', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
};

/** DEFAULT_STATS_TABLE is docker's default stats table on a Linux daemon. */
export const DEFAULT_STATS_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

/** StatsValues are the figures of one sample, computed as docker's CLI computes them (stats_helpers.go). */
export interface StatsValues {
  readonly name: string;
  readonly id: string;
  readonly cpuPercentage: number;
  readonly memory: number;
  readonly memoryLimit: number;
  readonly memoryPercentage: number;
  readonly networkRx: number;
  readonly networkTx: number;
  readonly blockRead: number;
  readonly blockWrite: number;
  readonly pidsCurrent: number;
}

/**
 * calculateCpuPercentUnix is docker's calculateCPUPercentUnix: the container's share of the host's CPU time
 * between the previous and this sample, times the number of online CPUs (so 200% is two full CPUs).
 */
export function calculateCpuPercentUnix(v: ContainerStats): number {
  const cpuDelta = (v.cpu_stats?.cpu_usage?.total_usage ?? 0) - (v.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (v.cpu_stats?.system_cpu_usage ?? 0) - (v.precpu_stats?.system_cpu_usage ?? 0);
  let online = v.cpu_stats?.online_cpus ?? 0;
  if (online === 0) online = v.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

/** calculateBlockIo is docker's calculateBlockIO: bytes read and written, summed over devices by the op's first letter. */
export function calculateBlockIo(v: ContainerStats): [number, number] {
  let read = 0;
  let write = 0;
  for (const e of v.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e?.op ?? '')[0];
    if (op === 'r' || op === 'R') read += e?.value ?? 0;
    else if (op === 'w' || op === 'W') write += e?.value ?? 0;
  }
  return [read, write];
}

/** calculateNetwork is docker's calculateNetwork: received and sent bytes summed over interfaces. */
export function calculateNetwork(v: ContainerStats): [number, number] {
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(v.networks ?? {})) {
    rx += n?.rx_bytes ?? 0;
    tx += n?.tx_bytes ?? 0;
  }
  return [rx, tx];
}

/**
 * calculateMemUsageUnixNoCache is docker's: usage minus the inactive file cache (`total_inactive_file` on
 * cgroup v1, `inactive_file` on v2), as cadvisor and containerd count it.
 */
export function calculateMemUsageUnixNoCache(v: ContainerStats): number {
  const mem = v.memory_stats ?? {};
  const usage = mem.usage ?? 0;
  const stats = mem.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 !== null && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

/** statsValues computes one sample's figures (the Linux branch of docker's collect()). */
export function statsValues(v: ContainerStats): StatsValues {
  const memory = calculateMemUsageUnixNoCache(v);
  const memoryLimit = v.memory_stats?.limit ?? 0;
  const [blockRead, blockWrite] = calculateBlockIo(v);
  const [networkRx, networkTx] = calculateNetwork(v);
  return {
    name: v.name ?? '',
    id: v.id ?? '',
    cpuPercentage: calculateCpuPercentUnix(v),
    memory,
    memoryLimit,
    memoryPercentage: memoryLimit !== 0 ? (memory / memoryLimit) * 100 : 0,
    networkRx,
    networkTx,
    blockRead,
    blockWrite,
    pidsCurrent: v.pids_stats?.current ?? 0,
  };
}

/** StatsEntry is what `wharf stats` knows about one container: its latest figures, or why it has none. */
export interface StatsEntry {
  /** The name or ID the entry was created for (an argument, or a 12-character ID when listing all). */
  readonly container: string;
  values?: StatsValues;
  invalid: boolean;
  error?: unknown;
}

const NO_VALUE = '--';
const percent = (x: number): string => `${goFormatFixed(x, 2)}%`;

/** StatsContext is one row of the stats table (docker's statsContext); getters are the --format fields. */
export class StatsContext {
  readonly goTypeName = '*container.statsContext';
  readonly #e: StatsEntry;
  readonly #trunc: boolean;

  constructor(e: StatsEntry, trunc: boolean) {
    this.#e = e;
    this.#trunc = trunc;
  }

  get Container(): string {
    return this.#e.container;
  }
  get Name(): string {
    const name = this.#e.values?.name ?? '';
    return name.length > 1 ? name.slice(1) : NO_VALUE;
  }
  get ID(): string {
    const id = this.#e.values?.id ?? '';
    return this.#trunc ? truncateId(id) : id;
  }
  get CPUPerc(): string {
    return this.#e.invalid ? NO_VALUE : percent(this.#e.values?.cpuPercentage ?? 0);
  }
  get MemUsage(): string {
    if (this.#e.invalid) return '-- / --';
    return `${bytesSize(this.#e.values?.memory ?? 0)} / ${bytesSize(this.#e.values?.memoryLimit ?? 0)}`;
  }
  get MemPerc(): string {
    return this.#e.invalid ? NO_VALUE : percent(this.#e.values?.memoryPercentage ?? 0);
  }
  get NetIO(): string {
    if (this.#e.invalid) return NO_VALUE;
    const v = this.#e.values;
    return `${humanSizeWithPrecision(v?.networkRx ?? 0, 3)} / ${humanSizeWithPrecision(v?.networkTx ?? 0, 3)}`;
  }
  get BlockIO(): string {
    if (this.#e.invalid) return NO_VALUE;
    const v = this.#e.values;
    return `${humanSizeWithPrecision(v?.blockRead ?? 0, 3)} / ${humanSizeWithPrecision(v?.blockWrite ?? 0, 3)}`;
  }
  get PIDs(): string {
    return this.#e.invalid ? NO_VALUE : String(this.#e.values?.pidsCurrent ?? 0);
  }
  marshalJSON(): string {
    return marshalContext(this);
  }
}
