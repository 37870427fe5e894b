import path from 'node:path';
import type { BlkioCounters, BlkioEntry, CgroupStats } from '../../core/metrics/container-metrics.js';
import { cgroupDir, type CgroupMounts } from './cgroup-mounts.js';
import { parseBlkioFile, parseCounter, parseCounterList, parseFlatKeyed, parseIoStat, pathExists, readOptional } from './cgroup-files.js';

// cpuacct.stat counts USER_HZ ticks; Linux fixes USER_HZ at 100 (containerd's cgroups library hard-codes it too).
const NS_PER_TICK = 10_000_000n;

async function read(dir: string | undefined, file: string): Promise<string | undefined> {
  return dir === undefined ? undefined : readOptional(path.join(dir, file));
}

async function counter(dir: string | undefined, file: string): Promise<bigint | undefined> {
  const text = await read(dir, file);
  return text === undefined ? undefined : parseCounter(text);
}

async function v1Cpu(acct: string | undefined, cpu: string | undefined): Promise<CgroupStats['cpu']> {
  const total = await counter(acct, 'cpuacct.usage');
  if (total === undefined) return undefined;
  const perCpu = await read(acct, 'cpuacct.usage_percpu');
  const times = parseFlatKeyed((await read(acct, 'cpuacct.stat')) ?? '');
  const throttle = parseFlatKeyed((await read(cpu, 'cpu.stat')) ?? '');
  return {
    totalNs: total,
    ...(perCpu !== undefined ? { perCpuNs: parseCounterList(perCpu) } : {}),
    userNs: (times.user ?? 0n) * NS_PER_TICK,
    systemNs: (times.system ?? 0n) * NS_PER_TICK,
    periods: throttle.nr_periods ?? 0n,
    throttledPeriods: throttle.nr_throttled ?? 0n,
    throttledNs: throttle.throttled_time ?? 0n,
  };
}

async function v1Memory(dir: string | undefined): Promise<CgroupStats['memory']> {
  const usage = await counter(dir, 'memory.usage_in_bytes');
  if (usage === undefined) return undefined;
  const [maxUsage, limit, failcnt] = await Promise.all([
    counter(dir, 'memory.max_usage_in_bytes'),
    counter(dir, 'memory.limit_in_bytes'),
    counter(dir, 'memory.failcnt'),
  ]);
  const stats = parseFlatKeyed((await read(dir, 'memory.stat')) ?? '');
  return { usage, ...(maxUsage !== undefined ? { maxUsage } : {}), ...(limit !== undefined ? { limit } : {}), ...(failcnt !== undefined ? { failcnt } : {}), stats };
}

async function pidsStats(dir: string | undefined): Promise<CgroupStats['pids']> {
  const current = await counter(dir, 'pids.current');
  if (current === undefined) return undefined;
  const limit = await counter(dir, 'pids.max');
  return { current, ...(limit !== undefined ? { limit } : {}) };
}

const EMPTY_BLKIO: BlkioCounters = { serviceBytes: [], serviced: [], queued: [], serviceTime: [], waitTime: [], merged: [], time: [], sectors: [] };

/**
 * v1Blkio reads the recursive blkio files as containerd does: the CFQ files when the kernel has them and they
 * hold anything, else the throttle files (which count I/O under every scheduler).
 */
async function v1Blkio(dir: string | undefined): Promise<BlkioCounters | undefined> {
  if (dir === undefined) return undefined;
  const entries = async (file: string): Promise<BlkioEntry[]> => parseBlkioFile((await read(dir, `blkio.${file}`)) ?? '');
  if (await pathExists(path.join(dir, 'blkio.io_serviced_recursive'))) {
    const cfq: BlkioCounters = {
      sectors: await entries('sectors_recursive'),
      serviceBytes: await entries('io_service_bytes_recursive'),
      serviced: await entries('io_serviced_recursive'),
      queued: await entries('io_queued_recursive'),
      serviceTime: await entries('io_service_time_recursive'),
      waitTime: await entries('io_wait_time_recursive'),
      merged: await entries('io_merged_recursive'),
      time: await entries('time_recursive'),
    };
    if (Object.values(cfq).some((list: BlkioEntry[]) => list.length > 0)) return cfq;
  }
  return {
    ...EMPTY_BLKIO,
    serviced: await entries('throttle.io_serviced_recursive'),
    serviceBytes: await entries('throttle.io_service_bytes_recursive'),
  };
}

/** readV1Stats reads a cgroup's counters on a cgroup v1 host; undefined when no hierarchy has the cgroup. */
export async function readV1Stats(mounts: CgroupMounts, cgroupsPath: string): Promise<CgroupStats | undefined> {
  const dir = async (controller: string): Promise<string | undefined> => {
    const mount = mounts.controllers.get(controller);
    if (mount === undefined) return undefined;
    const d = cgroupDir(mount, cgroupsPath);
    return (await pathExists(d)) ? d : undefined;
  };
  const [acct, cpu, memory, pids, blkio] = await Promise.all([dir('cpuacct'), dir('cpu'), dir('memory'), dir('pids'), dir('blkio')]);
  if (acct === undefined && memory === undefined && pids === undefined) return undefined;
  const [cpuStats, mem, p, io] = await Promise.all([v1Cpu(acct, cpu), v1Memory(memory), pidsStats(pids), v1Blkio(blkio)]);
  return { version: 1, ...(cpuStats ? { cpu: cpuStats } : {}), ...(mem ? { memory: mem } : {}), ...(p ? { pids: p } : {}), ...(io ? { blkio: io } : {}) };
}

/** readV2Stats reads a cgroup's counters on a cgroup v2 host (moby statsV2's sources). */
export async function readV2Stats(mounts: CgroupMounts, cgroupsPath: string): Promise<CgroupStats | undefined> {
  if (mounts.unified === undefined) return undefined;
  const d = cgroupDir(mounts.unified, cgroupsPath);
  if (!(await pathExists(d))) return undefined;
  const cpu = parseFlatKeyed((await read(d, 'cpu.stat')) ?? '');
  const usage = await counter(d, 'memory.current');
  const limit = await counter(d, 'memory.max');
  const events = parseFlatKeyed((await read(d, 'memory.events')) ?? '');
  const io = await read(d, 'io.stat');
  const pids = await pidsStats(d);
  return {
    version: 2,
    ...(cpu.usage_usec !== undefined
      ? {
          cpu: {
            totalNs: cpu.usage_usec * 1000n,
            userNs: (cpu.user_usec ?? 0n) * 1000n,
            systemNs: (cpu.system_usec ?? 0n) * 1000n,
            periods: cpu.nr_periods ?? 0n,
            throttledPeriods: cpu.nr_throttled ?? 0n,
            throttledNs: (cpu.throttled_usec ?? 0n) * 1000n,
          },
        }
      : {}),
    ...(usage !== undefined
      ? { memory: { usage, ...(limit !== undefined ? { limit } : {}), failcnt: events.oom ?? 0n, stats: parseFlatKeyed((await read(d, 'memory.stat')) ?? '') } }
      : {}),
    ...(pids ? { pids } : {}),
    ...(io !== undefined ? { blkio: { ...EMPTY_BLKIO, serviceBytes: parseIoStat(io) } } : {}),
  };
}
