/** BlkioEntry is one line of a cgroup v1 blkio file ("8:0 Read 4096"), or a v2 io.stat counter. */
export interface BlkioEntry {
  readonly major: number;
  readonly minor: number;
  /** The operation as the kernel names it: v1 "Read", "Write", "Sync", "Async", "Discard", "Total"; v2 "read"/"write". */
  readonly op: string;
  readonly value: bigint;
}

/** BlkioCounters are a cgroup's block I/O counters (the v1 recursive files; v2 fills only serviceBytes). */
export interface BlkioCounters {
  readonly serviceBytes: readonly BlkioEntry[];
  readonly serviced: readonly BlkioEntry[];
  readonly queued: readonly BlkioEntry[];
  readonly serviceTime: readonly BlkioEntry[];
  readonly waitTime: readonly BlkioEntry[];
  readonly merged: readonly BlkioEntry[];
  readonly time: readonly BlkioEntry[];
  readonly sectors: readonly BlkioEntry[];
}

/** CgroupStats are the raw counters of a container's cgroup, in the units Docker reports (bytes, nanoseconds). */
export interface CgroupStats {
  readonly version: 1 | 2;
  readonly cpu?: {
    readonly totalNs: bigint;
    /** Per-CPU usage (cgroup v1 cpuacct.usage_percpu); absent on v2. */
    readonly perCpuNs?: readonly bigint[];
    readonly userNs: bigint;
    readonly systemNs: bigint;
    readonly periods: bigint;
    readonly throttledPeriods: bigint;
    readonly throttledNs: bigint;
  };
  readonly memory?: {
    readonly usage: bigint;
    /** Peak usage (v1 memory.max_usage_in_bytes); absent on v2. */
    readonly maxUsage?: bigint;
    /** The limit; the kernel's "unlimited" is a huge number (v1) or absent ("max" on v2). */
    readonly limit?: bigint;
    readonly failcnt?: bigint;
    /** memory.stat as the kernel writes it, key by key. */
    readonly stats: Readonly<Record<string, bigint>>;
  };
  readonly pids?: {
    readonly current: bigint;
    /** undefined for "max" (no limit). */
    readonly limit?: bigint;
  };
  readonly blkio?: BlkioCounters;
}

/** HostCpu is the host's CPU time from /proc/stat and its number of online CPUs. */
export interface HostCpu {
  /** user+nice+system+idle+iowait+irq+softirq in nanoseconds (moby getSystemCPUUsage). */
  readonly totalNs: bigint;
  readonly onlineCpus: number;
}

/** ProcessInfo is what `top` shows of one process, read from /proc/<pid>. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Effective user and group IDs (ps's euid). */
  readonly uid: number;
  readonly gid: number;
  /** The command name (stat comm, at most 15 bytes). */
  readonly comm: string;
  /** The arguments from /proc/<pid>/cmdline; empty for kernel threads and zombies. */
  readonly args: readonly string[];
  /** The state letter (R, S, D, Z, T, ...). */
  readonly state: string;
  /** The controlling terminal's device number (stat tty_nr), 0 for none. */
  readonly ttyNr: number;
  readonly sessionId: number;
  /** Foreground process group of the terminal (stat tpgid), -1 for none. */
  readonly tpgid: number;
  readonly pgrp: number;
  readonly nice: number;
  readonly threads: number;
  /** CPU time in clock ticks, user and system. */
  readonly utimeTicks: number;
  readonly stimeTicks: number;
  /** Start time in clock ticks after boot. */
  readonly startTicks: number;
  readonly vsizeBytes: number;
  readonly rssPages: number;
}

/** HostProcFacts are the host facts that turn /proc numbers into ps's columns. */
export interface HostProcFacts {
  /** Boot time, seconds since the epoch (/proc/stat btime). */
  readonly bootTime: number;
  /** Clock ticks per second (USER_HZ, 100 on Linux). */
  readonly ticksPerSecond: number;
  readonly pageSize: number;
  readonly memTotalBytes: number;
  /** User names by uid from the host's /etc/passwd (ps resolves names on the host). */
  readonly userNames: ReadonlyMap<number, string>;
  /** Seconds since boot now (/proc/uptime), to compute a process's elapsed time as ps does. */
  readonly uptime: number;
}

/**
 * ContainerMetrics reads the host's view of a container's processes and resources, for `top` and `stats`. It is
 * implemented in os/ over cgroupfs and /proc; the container use-cases only see this port. `cgroupsPath` is the
 * config.json's linux.cgroupsPath (e.g. "/wharf/<id>"), which the implementation resolves below each hierarchy.
 *
 * ```ts
 * const pids = await metrics.pids('/wharf/' + id);          // [] once the cgroup is gone
 * const procs = await metrics.processes(pids);               // vanished pids are skipped
 * const stats = await metrics.cgroupStats('/wharf/' + id);   // undefined once the cgroup is gone
 * ```
 */
export interface ContainerMetrics {
  /** pids lists every process of the cgroup (cgroup.procs), sorted; [] when the cgroup does not exist. */
  pids(cgroupsPath: string): Promise<number[]>;
  /** cgroupStats reads the cgroup's counters; undefined when the cgroup does not exist. */
  cgroupStats(cgroupsPath: string): Promise<CgroupStats | undefined>;
  /** hostCpu reads the host's CPU totals. */
  hostCpu(): Promise<HostCpu>;
  /** processes reads /proc for each pid; a pid that exited meanwhile is left out. */
  processes(pids: readonly number[]): Promise<ProcessInfo[]>;
  /** hostFacts reads the facts ps needs (boot time, uptime, page size, memory, user names). */
  hostFacts(): Promise<HostProcFacts>;
}
