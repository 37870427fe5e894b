import { setTimeout as sleep } from 'node:timers/promises';
import { invalidArgument } from '../../common/errors.js';
import type { BlkioCounters, CgroupStats } from '../../core/metrics/container-metrics.js';
import { displayName, type ContainerRecord } from './container-record.js';
import { cgroupsPathOf, type MetricsDeps } from './top.js';

/** CpuSnapshot is one reading of a container's CPU counters with the host's CPU time next to it. */
export interface CpuSnapshot {
  readonly cpu?: NonNullable<CgroupStats['cpu']>;
  readonly systemNs?: bigint;
  readonly onlineCpus?: number;
}

/** MemorySnapshot is a container's memory as Docker reports it (stats keyed as moby's, limit capped to the host's). */
export interface MemorySnapshot {
  readonly usage: bigint;
  readonly maxUsage?: bigint;
  readonly limit?: bigint;
  readonly failcnt?: bigint;
  readonly stats: Readonly<Record<string, bigint>>;
}

/**
 * StatsSample is one `GET /containers/{id}/stats` object: a reading of the container's cgroup and the reading
 * before it (`preRead`/`preCpu`, for CPU percentages). A container without a process gives an empty sample
 * (only id and name), as dockerd.
 */
export interface StatsSample {
  readonly id: string;
  /** The name with Docker's leading slash. */
  readonly name: string;
  readonly read?: Date;
  readonly preRead?: Date;
  readonly cpu: CpuSnapshot;
  readonly preCpu: CpuSnapshot;
  readonly memory?: MemorySnapshot;
  readonly pids?: { readonly current: bigint; readonly limit?: bigint };
  readonly blkio?: BlkioCounters;
}

/** StatsOptions are the parameters of a stats request. */
export interface StatsOptions {
  /** Keep sending one sample per second (default true). */
  readonly stream: boolean;
  /** Without stream: one sample at once, without the priming one (preCpu empty). */
  readonly oneShot: boolean;
  readonly signal: AbortSignal;
}

/** StatsApi is what the stats route calls; `emit` sends one sample (and waits for the client to take it). */
export interface StatsApi {
  /** check validates a request before the response starts (lookup, stream + one-shot). */
  check(ref: string, opts: Pick<StatsOptions, 'stream' | 'oneShot'>): void;
  stats(ref: string, opts: StatsOptions, emit: (sample: StatsSample) => Promise<void>): Promise<void>;
}

// compat: the memory.stat keys moby reports for cgroup v1 (statsV1) and v2 (statsV2), each present even when 0.
const V1_KEYS = ['cache', 'rss', 'rss_huge', 'mapped_file', 'dirty', 'writeback', 'pgpgin', 'pgpgout', 'pgfault', 'pgmajfault', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable', 'hierarchical_memory_limit', 'hierarchical_memsw_limit'];
const V1_TOTALS = ['cache', 'rss', 'rss_huge', 'mapped_file', 'dirty', 'writeback', 'pgpgin', 'pgpgout', 'pgfault', 'pgmajfault', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable'];
const V2_KEYS = ['anon', 'file', 'kernel_stack', 'slab', 'sock', 'shmem', 'file_mapped', 'file_dirty', 'file_writeback', 'anon_thp', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable', 'slab_reclaimable', 'slab_unreclaimable', 'pgfault', 'pgmajfault', 'workingset_refault', 'workingset_activate', 'workingset_nodereclaim', 'pgrefill', 'pgscan', 'pgsteal', 'pgactivate', 'pgdeactivate', 'pglazyfree', 'pglazyfreed', 'thp_fault_alloc', 'thp_collapse_alloc'];

/** dockerMemory selects moby's memory.stat keys and caps an unset limit to the host's memory, as dockerd does. */
export function dockerMemory(stats: CgroupStats, hostMemory: bigint): MemorySnapshot | undefined {
  const m = stats.memory;
  if (m === undefined) return undefined;
  const keys = stats.version === 1 ? [...V1_KEYS, ...V1_TOTALS.map((k) => `total_${k}`)] : V2_KEYS;
  const picked: Record<string, bigint> = {};
  for (const k of keys) picked[k] = m.stats[k] ?? 0n;
  const limit = m.limit !== undefined && hostMemory > 0n && m.limit > hostMemory ? hostMemory : (m.limit ?? (hostMemory > 0n ? hostMemory : undefined));
  return { usage: m.usage, ...(m.maxUsage !== undefined ? { maxUsage: m.maxUsage } : {}), ...(limit !== undefined ? { limit } : {}), ...(m.failcnt !== undefined ? { failcnt: m.failcnt } : {}), stats: picked };
}

/**
 * StatsService is `GET /containers/{id}/stats`: cgroup counters, the host's CPU time and memory, read once per
 * second while streaming; without streaming, two readings a second apart so the CPU delta is real (or one with
 * one-shot), as dockerd does.
 */
export class StatsService implements StatsApi {
  readonly #deps: MetricsDeps;
  readonly #intervalMs: number;
  #hostMemory: Promise<bigint> | undefined;

  constructor(deps: MetricsDeps, opts: { intervalMs?: number } = {}) {
    this.#deps = deps;
    this.#intervalMs = opts.intervalMs ?? 1000;
  }

  check(ref: string, opts: Pick<StatsOptions, 'stream' | 'oneShot'>): void {
    if (opts.stream && opts.oneShot) throw invalidArgument('WHARF_INVALID_PARAMETER', 'cannot have stream=true and one-shot=true');
    this.#deps.store.get(ref);
  }

  async stats(ref: string, opts: StatsOptions, emit: (sample: StatsSample) => Promise<void>): Promise<void> {
    this.check(ref, opts);
    const id = this.#deps.store.get(ref).id;
    let previous: StatsSample | undefined;
    for (let first = true; ; first = false) {
      if (!first && !(await this.#wait(opts.signal))) return;
      const record = this.#deps.store.byId(id);
      if (record === undefined) return;
      const live = record.state.status === 'running' || record.state.status === 'paused';
      if (!opts.stream && !live) return emit(emptySample(record));
      const sample = await this.#sample(record, previous);
      if (opts.stream || opts.oneShot || previous !== undefined) {
        await emit(sample);
        if (!opts.stream) return;
      }
      previous = sample;
    }
  }

  async #wait(signal: AbortSignal): Promise<boolean> {
    try {
      await sleep(this.#intervalMs, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }

  async #sample(record: ContainerRecord, previous: StatsSample | undefined): Promise<StatsSample> {
    const pre = { preCpu: previous?.cpu ?? {}, ...(previous?.read ? { preRead: previous.read } : {}) };
    if (record.state.status !== 'running' && record.state.status !== 'paused') return { ...emptySample(record), ...pre };
    const { metrics } = this.#deps;
    const stats = await metrics.cgroupStats(await cgroupsPathOf(this.#deps, record));
    if (stats === undefined) return { ...emptySample(record), ...pre };
    const host = await metrics.hostCpu();
    const read = new Date((this.#deps.now ?? Date.now)());
    const memory = dockerMemory(stats, await this.#hostMem());
    return {
      id: record.id,
      name: displayName(record),
      read,
      cpu: { ...(stats.cpu ? { cpu: stats.cpu } : {}), systemNs: host.totalNs, onlineCpus: host.onlineCpus },
      ...pre,
      ...(memory ? { memory } : {}),
      ...(stats.pids ? { pids: stats.pids } : {}),
      ...(stats.blkio ? { blkio: stats.blkio } : {}),
    };
  }

  #hostMem(): Promise<bigint> {
    this.#hostMemory ??= this.#deps.metrics.hostFacts().then(
      (f) => BigInt(f.memTotalBytes),
      () => 0n,
    );
    return this.#hostMemory;
  }
}

function emptySample(record: ContainerRecord): StatsSample {
  return { id: record.id, name: displayName(record), cpu: {}, preCpu: {} };
}
