import fs from 'node:fs/promises';
import os from 'node:os';
import type { CgroupStats, ContainerMetrics, HostCpu, HostProcFacts, ProcessInfo } from '../../core/metrics/container-metrics.js';
import { parsePasswdNames, readProcessInfo } from '../proc/proc-stat-process.js';
import { parseBootTime, parseMemTotal, parseUptime, readSystemCpu } from '../proc/proc-stat-system.js';
import { readOptional } from './cgroup-files.js';
import { cgroupDir, readCgroupMounts, type CgroupMounts } from './cgroup-mounts.js';
import { readV1Stats, readV2Stats } from './cgroup-stats.js';

/** CgroupMetricsOptions point CgroupMetrics at other roots (tests use fixture trees). */
export interface CgroupMetricsOptions {
  readonly procRoot?: string;
  readonly passwdPath?: string;
  /** The cgroup mounts; read from /proc/self/mountinfo on first use by default. */
  readonly mounts?: CgroupMounts;
}

// Controllers whose cgroup.procs lists a container's processes, in order of preference (v1).
const PROCS_CONTROLLERS = ['pids', 'memory', 'cpuacct', 'cpu', 'devices', 'freezer'];

/**
 * CgroupMetrics is the host's ContainerMetrics: cgroupfs (v1 per-controller hierarchies or the v2 unified one)
 * for a container's processes and counters, /proc for processes and host CPU. It only reads files; nothing of a
 * container's image is ever executed or opened.
 */
export class CgroupMetrics implements ContainerMetrics {
  readonly #procRoot: string;
  readonly #passwdPath: string;
  #mounts: Promise<CgroupMounts> | undefined;

  constructor(opts: CgroupMetricsOptions = {}) {
    this.#procRoot = opts.procRoot ?? '/proc';
    this.#passwdPath = opts.passwdPath ?? '/etc/passwd';
    if (opts.mounts !== undefined) this.#mounts = Promise.resolve(opts.mounts);
  }

  #getMounts(): Promise<CgroupMounts> {
    this.#mounts ??= readCgroupMounts(`${this.#procRoot}/self/mountinfo`);
    return this.#mounts;
  }

  async pids(cgroupsPath: string): Promise<number[]> {
    const mounts = await this.#getMounts();
    const dirs = mounts.version === 2
      ? [mounts.unified ?? '']
      : PROCS_CONTROLLERS.flatMap((c) => {
          const m = mounts.controllers.get(c);
          return m === undefined ? [] : [m];
        });
    for (const mount of dirs) {
      const text = await readOptional(`${cgroupDir(mount, cgroupsPath)}/cgroup.procs`);
      if (text === undefined) continue;
      const pids = text.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
      return [...new Set(pids)].sort((a, b) => a - b);
    }
    return [];
  }

  async cgroupStats(cgroupsPath: string): Promise<CgroupStats | undefined> {
    const mounts = await this.#getMounts();
    return mounts.version === 2 ? readV2Stats(mounts, cgroupsPath) : readV1Stats(mounts, cgroupsPath);
  }

  hostCpu(): Promise<HostCpu> {
    return readSystemCpu(this.#procRoot);
  }

  async processes(pids: readonly number[]): Promise<ProcessInfo[]> {
    const infos = await Promise.all(pids.map((pid) => readProcessInfo(pid, this.#procRoot)));
    return infos.filter((p): p is ProcessInfo => p !== undefined);
  }

  async hostFacts(): Promise<HostProcFacts> {
    const [stat, uptime, meminfo, passwd] = await Promise.all([
      fs.readFile(`${this.#procRoot}/stat`, 'utf8'),
      fs.readFile(`${this.#procRoot}/uptime`, 'utf8'),
      readOptional(`${this.#procRoot}/meminfo`),
      readOptional(this.#passwdPath),
    ]);
    return {
      bootTime: parseBootTime(stat) ?? 0,
      uptime: parseUptime(uptime) ?? 0,
      ticksPerSecond: 100,
      // The page size of x86-64 and of most arm64 kernels; /proc exposes no simpler source without a syscall.
      pageSize: 4096,
      memTotalBytes: (meminfo !== undefined ? parseMemTotal(meminfo) : undefined) ?? os.totalmem(),
      userNames: parsePasswdNames(passwd ?? ''),
    };
  }
}
