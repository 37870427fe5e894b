import fs from 'node:fs/promises';

/** ProcStat is the part of /proc/<pid>/stat that liveness checks need. */
export interface ProcStat {
  readonly pid: number;
  /** The executable's name, at most 15 bytes (it may contain spaces and parentheses). */
  readonly comm: string;
  /** R running, S sleeping, D disk sleep, Z zombie, T stopped, t traced, X dead, I idle, ... */
  readonly state: string;
  readonly ppid: number;
  /** Start time in clock ticks after boot: with the pid, it tells a process apart from a later one reusing the pid. */
  readonly startTime: number;
}

/**
 * parseProcStat parses the text of /proc/<pid>/stat; undefined when it is not of that form. The comm field is
 * taken up to the *last* ')', because comm itself may contain ") " (proc(5)).
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open));
  const rest = text.slice(close + 2).trim().split(' ');
  // rest[0] is field 3 (state); ppid is field 4, starttime is field 22.
  const state = rest[0];
  const ppid = Number(rest[1]);
  const startTime = Number(rest[19]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || state === undefined || !/^[A-Za-z]$/.test(state)) return undefined;
  if (!Number.isSafeInteger(ppid) || !Number.isSafeInteger(startTime)) return undefined;
  return { pid, comm: text.slice(open + 2, close), state, ppid, startTime };
}

/** readProcStat reads /proc/<pid>/stat; undefined when there is no such process (or it is not readable as one). */
export async function readProcStat(pid: number, procRoot = '/proc'): Promise<ProcStat | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  let text: string;
  try {
    text = await fs.readFile(`${procRoot}/${pid}/stat`, 'utf8');
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
  return parseProcStat(text);
}

/**
 * isAlive tells whether process `pid` exists and has not exited. A zombie (Z) or dead (X) process has exited even
 * though kill(pid, 0) still succeeds on it: this machine's PID 1 does not reap orphans, so an exited conmon or
 * container process can linger as a zombie indefinitely. With `comm`, the process must also have that name, which
 * guards against a recycled pid.
 */
export async function isAlive(pid: number, opts: { comm?: string; procRoot?: string } = {}): Promise<boolean> {
  const stat = await readProcStat(pid, opts.procRoot);
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X') return false;
  return opts.comm === undefined || stat.comm === opts.comm;
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}
