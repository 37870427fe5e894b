import fs from 'node:fs/promises';
import type { HostCpu } from '../../core/metrics/container-metrics.js';

// USER_HZ: Linux reports /proc/stat times in 1/100 s on every architecture (moby hard-codes it as well).
const NS_PER_TICK = 10_000_000n;

/**
 * parseSystemCpu reads /proc/stat as moby's readSystemCPUUsage: the first seven fields of the "cpu" line (user,
 * nice, system, idle, iowait, irq, softirq) summed and turned into nanoseconds, and the number of "cpuN" lines.
 * Like glibc, only the leading cpu* lines are looked at. undefined when there is no usable "cpu" line.
 */
export function parseSystemCpu(text: string): HostCpu | undefined {
  let totalNs: bigint | undefined;
  let onlineCpus = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) break;
    if (line[3] === ' ') {
      const fields = line.split(/\s+/).slice(1, 8);
      if (fields.length < 7 || !fields.every((f) => /^\d+$/.test(f))) return undefined;
      totalNs = fields.reduce((sum, f) => sum + BigInt(f), 0n) * NS_PER_TICK;
    } else if (/^cpu\d/.test(line)) {
      onlineCpus++;
    }
  }
  return totalNs === undefined ? undefined : { totalNs, onlineCpus };
}

/** parseBootTime reads the "btime" line of /proc/stat (seconds since the epoch). */
export function parseBootTime(text: string): number | undefined {
  const m = /^btime (\d+)$/m.exec(text);
  return m === null ? undefined : Number(m[1]);
}

/** parseUptime reads /proc/uptime's first number (seconds since boot). */
export function parseUptime(text: string): number | undefined {
  const v = Number.parseFloat(text.trim().split(/\s+/)[0] ?? '');
  return Number.isFinite(v) ? v : undefined;
}

/** parseMemTotal reads MemTotal from /proc/meminfo, in bytes. */
export function parseMemTotal(text: string): number | undefined {
  const m = /^MemTotal:\s+(\d+) kB$/m.exec(text);
  return m === null ? undefined : Number(m[1]) * 1024;
}

/** readSystemCpu reads the host's CPU totals from /proc/stat; a malformed file is an error. */
export async function readSystemCpu(procRoot = '/proc'): Promise<HostCpu> {
  const text = await fs.readFile(`${procRoot}/stat`, 'utf8');
  const cpu = parseSystemCpu(text);
  if (cpu === undefined) throw new Error(`${procRoot}/stat has no usable cpu line`);
  return cpu;
}
