import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** medianMs runs a command `runs` times (after one warm-up) and returns the median wall time in milliseconds. */
export function medianMs(cmd: string, args: readonly string[], opts: { runs?: number; env?: NodeJS.ProcessEnv } = {}): number {
  const runs = opts.runs ?? 15;
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...opts.env } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString().slice(0, 500)}`);
    if (i > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** rssMb reads a process's resident set size from /proc. */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** round keeps two decimals for printing. */
export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
