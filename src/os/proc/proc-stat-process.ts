import fs from 'node:fs/promises';
import { capabilitiesFromMask } from '../../core/container/capabilities.js';
import type { ProcessInfo } from '../../core/metrics/container-metrics.js';

/** StatFields are the /proc/<pid>/stat fields top needs (proc(5) numbering in the comments). */
export type StatFields = Omit<ProcessInfo, 'uid' | 'gid' | 'args'>;

/**
 * parseStatFields parses /proc/<pid>/stat fully enough for ps's columns. comm ends at the *last* ')' (it may
 * contain ") "). undefined when the text is not of that form.
 */
export function parseStatFields(text: string): StatFields | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open));
  const rest = text.slice(close + 2).trim().split(' ');
  // rest[i] is field i + 3.
  const num = (field: number): number => Number(rest[field - 3]);
  const state = rest[0] ?? '';
  const fields: StatFields = {
    pid,
    comm: text.slice(open + 2, close),
    state,
    ppid: num(4),
    pgrp: num(5),
    sessionId: num(6),
    ttyNr: num(7),
    tpgid: num(8),
    utimeTicks: num(14),
    stimeTicks: num(15),
    nice: num(19),
    threads: num(20),
    startTicks: num(22),
    vsizeBytes: num(23),
    rssPages: num(24),
  };
  const numbers = Object.entries(fields).filter(([k]) => k !== 'comm' && k !== 'state');
  if (!/^[A-Za-z]$/.test(state) || numbers.some(([, v]) => !Number.isSafeInteger(v))) return undefined;
  return fields;
}

/** parseStatusIds reads the effective uid and gid from /proc/<pid>/status ("Uid:\treal\teffective\t..."). */
export function parseStatusIds(text: string): { uid: number; gid: number } | undefined {
  const uid = /^Uid:\s+\d+\s+(\d+)/m.exec(text);
  const gid = /^Gid:\s+\d+\s+(\d+)/m.exec(text);
  return uid === null || gid === null ? undefined : { uid: Number(uid[1]), gid: Number(gid[1]) };
}

/** parseCmdline splits /proc/<pid>/cmdline (NUL-separated, usually NUL-terminated) into arguments. */
export function parseCmdline(buf: Buffer): string[] {
  if (buf.length === 0) return [];
  const text = buf.toString('utf8');
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** parsePasswdNames maps uids to names from passwd(5) text (the first name of a uid wins). */
export function parsePasswdNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name === undefined || name === '' || uid === undefined || !/^\d+$/.test(uid)) continue;
    if (!names.has(Number(uid))) names.set(Number(uid), name);
  }
  return names;
}

// Arguments beyond this many bytes are not read: ps shows a line, not a whole environment.
const MAX_CMDLINE_BYTES = 64 * 1024;

async function readCapped(file: string, max: number): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** readProcessInfo reads /proc/<pid>/{stat,status,cmdline}; undefined when the process is gone. */
export async function readProcessInfo(pid: number, procRoot = '/proc'): Promise<ProcessInfo | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const dir = `${procRoot}/${pid}`;
  try {
    const [stat, status, cmdline] = await Promise.all([
      fs.readFile(`${dir}/stat`, 'utf8'),
      fs.readFile(`${dir}/status`, 'utf8'),
      readCapped(`${dir}/cmdline`, MAX_CMDLINE_BYTES),
    ]);
    const fields = parseStatFields(stat);
    const ids = parseStatusIds(status);
    if (fields === undefined || ids === undefined) return undefined;
    return { ...fields, ...ids, args: parseCmdline(cmdline) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw err;
  }
}

/** parseBoundingSet reads the CapBnd mask (hex) from /proc/<pid>/status text; undefined when absent. */
export function parseBoundingSet(statusText: string): bigint | undefined {
  const m = /^CapBnd:\s+([0-9a-fA-F]+)$/m.exec(statusText);
  return m === null ? undefined : BigInt(`0x${m[1]}`);
}

/**
 * readBoundingSet reads this process's capability bounding set: what a process it starts can ever hold. In a
 * restricted environment it is smaller than the kernel's list, and asking runc for more fails ("unable to apply
 * caps: operation not permitted").
 */
export async function readBoundingSet(procRoot = '/proc'): Promise<bigint | undefined> {
  return parseBoundingSet(await fs.readFile(`${procRoot}/self/status`, 'utf8'));
}

/** grantableCapabilities keeps the capabilities of `candidates` this process's bounding set still holds. */
export async function grantableCapabilities(candidates: readonly string[], procRoot = '/proc'): Promise<string[]> {
  const mask = await readBoundingSet(procRoot).catch(() => undefined);
  if (mask === undefined) return [...candidates];
  const held = new Set(capabilitiesFromMask(mask));
  return candidates.filter((c) => held.has(c));
}
