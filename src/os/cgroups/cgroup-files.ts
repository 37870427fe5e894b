import fs from 'node:fs/promises';
import type { BlkioEntry } from '../../core/metrics/container-metrics.js';

// Parsers for the small text files of cgroupfs. Values are bigints: v1's "unlimited" (9223372036854771712) and
// long-running CPU counters in nanoseconds do not fit a double exactly.

const UINT_RE = /^\d+$/;

/** parseCounter reads a file holding one unsigned integer; undefined for "max" or anything else. */
export function parseCounter(text: string): bigint | undefined {
  const t = text.trim();
  return UINT_RE.test(t) ? BigInt(t) : undefined;
}

/** parseFlatKeyed reads "key value" lines (memory.stat, cpu.stat, cpuacct.stat); malformed lines are skipped. */
export function parseFlatKeyed(text: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const line of text.split('\n')) {
    const [key, value, extra] = line.trim().split(/\s+/);
    if (key === undefined || key === '' || value === undefined || extra !== undefined || !UINT_RE.test(value)) continue;
    out[key] = BigInt(value);
  }
  return out;
}

/** parseCounterList reads space-separated counters (cpuacct.usage_percpu). */
export function parseCounterList(text: string): bigint[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((v) => UINT_RE.test(v))
    .map((v) => BigInt(v));
}

/**
 * parseBlkioFile reads a v1 blkio file as containerd's cgroups library does: "major:minor op value" lines (or
 * "major:minor value" for time and sectors, op ""); the "Total n" line is skipped, as are malformed lines.
 */
export function parseBlkioFile(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/[\s:]+/).filter((f) => f !== '');
    if (fields.length < 3 || fields.length > 4) continue;
    const [major, minor] = fields;
    const op = fields.length === 4 ? (fields[2] as string) : '';
    const value = fields[fields.length - 1] as string;
    if (!UINT_RE.test(major as string) || !UINT_RE.test(minor as string) || !UINT_RE.test(value)) continue;
    out.push({ major: Number(major), minor: Number(minor), op, value: BigInt(value) });
  }
  return out;
}

/** parseIoStat reads a v2 io.stat ("8:0 rbytes=1 wbytes=2 ...") into read/write byte entries, as moby's statsV2. */
export function parseIoStat(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const [dev, ...pairs] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (m === null) continue;
    const kv = new Map(pairs.map((p) => p.split('=', 2) as [string, string]));
    for (const [key, op] of [['rbytes', 'read'], ['wbytes', 'write']] as const) {
      const v = kv.get(key);
      out.push({ major: Number(m[1]), minor: Number(m[2]), op, value: v !== undefined && UINT_RE.test(v) ? BigInt(v) : 0n });
    }
  }
  return out;
}

/** readOptional reads a cgroup file; undefined when it does not exist (a controller or file this kernel lacks). */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENODEV' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return undefined;
    throw err;
  }
}

/** pathExists tells whether a cgroup directory exists. */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
