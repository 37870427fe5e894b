import { WharfError, invalidArgument } from '../../common/errors.js';
import type { HostProcFacts, ProcessInfo } from '../../core/metrics/container-metrics.js';

/** PsContext is what turns /proc numbers into ps's columns: host facts and the current time. */
export interface PsContext {
  readonly facts: HostProcFacts;
  readonly nowMs: number;
}

/** PsColumn is one column of ps output: its title and how a process shows in it. */
interface PsColumn {
  readonly title: string;
  value(p: ProcessInfo, ctx: PsContext): string;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function cpuSeconds(p: ProcessInfo, ctx: PsContext): number {
  return Math.floor((p.utimeTicks + p.stimeTicks) / ctx.facts.ticksPerSecond);
}

function ageSeconds(p: ProcessInfo, ctx: PsContext): number {
  return Math.max(0, Math.floor(ctx.facts.uptime - p.startTicks / ctx.facts.ticksPerSecond));
}

/** userName is ps's user column: the host's name for the uid, "+"-truncated beyond 8 characters (procps-ng). */
function userName(uid: number, ctx: PsContext): string {
  const name = ctx.facts.userNames.get(uid);
  if (name === undefined) return String(uid);
  return name.length > 8 ? `${name.slice(0, 7)}+` : name;
}

/** ttyName names a controlling terminal from stat's tty_nr as procps does for the usual majors. */
export function ttyName(ttyNr: number): string {
  if (ttyNr === 0) return '?';
  const major = (ttyNr >> 8) & 0xfff;
  const minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return `pts/${(major - 136) * 256 + minor}`;
  if (major === 4) return minor < 64 ? `tty${minor}` : `ttyS${minor - 64}`;
  if (major === 5 && minor === 1) return 'console';
  return '?';
}

/** startTime is procps's STIME/START: HH:MM today, MonDD earlier this year, the year before that (local time). */
export function startTime(p: ProcessInfo, ctx: PsContext): string {
  const started = new Date((ctx.facts.bootTime + p.startTicks / ctx.facts.ticksPerSecond) * 1000);
  const now = new Date(ctx.nowMs);
  if (started.getFullYear() !== now.getFullYear()) return String(started.getFullYear());
  const sameDay = started.getMonth() === now.getMonth() && started.getDate() === now.getDate();
  if (!sameDay) return `${MONTHS[started.getMonth()]}${pad2(started.getDate())}`;
  return `${pad2(started.getHours())}:${pad2(started.getMinutes())}`;
}

/** cpuTime is ps's TIME: [DD-]HH:MM:SS of user+system CPU time. */
export function cpuTime(seconds: number): string {
  const dd = Math.floor(seconds / 86400);
  const hms = `${pad2(Math.floor((seconds % 86400) / 3600))}:${pad2(Math.floor((seconds % 3600) / 60))}:${pad2(seconds % 60)}`;
  return dd > 0 ? `${dd}-${hms}` : hms;
}

/** elapsed is ps's ETIME: [[DD-]hh:]mm:ss. */
export function elapsed(seconds: number): string {
  const dd = Math.floor(seconds / 86400);
  const hh = Math.floor((seconds % 86400) / 3600);
  const mmss = `${pad2(Math.floor((seconds % 3600) / 60))}:${pad2(seconds % 60)}`;
  if (dd > 0) return `${dd}-${pad2(hh)}:${mmss}`;
  return hh > 0 ? `${pad2(hh)}:${mmss}` : mmss;
}

function command(p: ProcessInfo): string {
  if (p.args.length > 0) return p.args.join(' ');
  return p.state === 'Z' ? `[${p.comm}] <defunct>` : `[${p.comm}]`;
}

function stat(p: ProcessInfo): string {
  let s = p.state;
  if (p.nice < 0) s += '<';
  if (p.nice > 0) s += 'N';
  if (p.sessionId === p.pid) s += 's';
  if (p.threads > 1) s += 'l';
  if (p.pgrp === p.tpgid) s += '+';
  return s;
}

/** perMille is procps's %cpu/%mem arithmetic, in tenths of a percent. */
function pcpuPerMille(p: ProcessInfo, ctx: PsContext): number {
  const age = ageSeconds(p, ctx);
  return age === 0 ? 0 : Math.floor((((p.utimeTicks + p.stimeTicks) * 1000) / ctx.facts.ticksPerSecond) / age);
}

const tenths = (perMille: number): string => (perMille > 999 ? String(Math.floor(perMille / 10)) : `${Math.floor(perMille / 10)}.${perMille % 10}`);
const rssKiB = (p: ProcessInfo, ctx: PsContext): number => Math.floor((p.rssPages * ctx.facts.pageSize) / 1024);

// The ps columns wharf knows, by their ps -o names (procps's names and aliases).
const COLUMNS: Readonly<Record<string, PsColumn>> = {
  pid: { title: 'PID', value: (p) => String(p.pid) },
  ppid: { title: 'PPID', value: (p) => String(p.ppid) },
  uid: { title: 'UID', value: (p) => String(p.uid) },
  euid: { title: 'EUID', value: (p) => String(p.uid) },
  gid: { title: 'GID', value: (p) => String(p.gid) },
  user: { title: 'USER', value: (p, c) => userName(p.uid, c) },
  euser: { title: 'EUSER', value: (p, c) => userName(p.uid, c) },
  uname: { title: 'USER', value: (p, c) => userName(p.uid, c) },
  c: { title: 'C', value: (p, c) => String(Math.min(99, Math.floor(pcpuPerMille(p, c) / 10))) },
  pcpu: { title: '%CPU', value: (p, c) => tenths(pcpuPerMille(p, c)) },
  pmem: {
    title: '%MEM',
    value: (p, c) => tenths(c.facts.memTotalBytes > 0 ? Math.floor((rssKiB(p, c) * 1000 * 1024) / c.facts.memTotalBytes) : 0),
  },
  vsz: { title: 'VSZ', value: (p) => String(Math.floor(p.vsizeBytes / 1024)) },
  rss: { title: 'RSS', value: (p, c) => String(rssKiB(p, c)) },
  tty: { title: 'TTY', value: (p) => ttyName(p.ttyNr) },
  stat: { title: 'STAT', value: (p) => stat(p) },
  s: { title: 'S', value: (p) => p.state },
  stime: { title: 'STIME', value: (p, c) => startTime(p, c) },
  start_time: { title: 'START', value: (p, c) => startTime(p, c) },
  time: { title: 'TIME', value: (p, c) => cpuTime(cpuSeconds(p, c)) },
  bsdtime: { title: 'TIME', value: (p, c) => `${Math.floor(cpuSeconds(p, c) / 60)}:${pad2(cpuSeconds(p, c) % 60)}` },
  etime: { title: 'ELAPSED', value: (p, c) => elapsed(ageSeconds(p, c)) },
  etimes: { title: 'ELAPSED', value: (p, c) => String(ageSeconds(p, c)) },
  nlwp: { title: 'NLWP', value: (p) => String(p.threads) },
  ni: { title: 'NI', value: (p) => String(p.nice) },
  pgid: { title: 'PGID', value: (p) => String(p.pgrp) },
  sid: { title: 'SID', value: (p) => String(p.sessionId) },
  comm: { title: 'COMMAND', value: (p) => (p.state === 'Z' ? `${p.comm} <defunct>` : p.comm) },
  args: { title: 'COMMAND', value: (p) => command(p) },
  cmd: { title: 'CMD', value: (p) => command(p) },
  ucmd: { title: 'CMD', value: (p) => (p.state === 'Z' ? `${p.comm} <defunct>` : p.comm) },
};

const ALIASES: Readonly<Record<string, string>> = {
  '%cpu': 'pcpu', '%mem': 'pmem', command: 'args', ucomm: 'comm', tname: 'tty', tt: 'tty',
  state: 's', lwp: 'pid', pgrp: 'pgid', session: 'sid', thcount: 'nlwp', nice: 'ni', rssize: 'rss', vsize: 'vsz',
  lstart: 'stime', start: 'start_time', cputime: 'time',
};

function column(name: string, header?: string): PsColumn {
  const key = ALIASES[name] ?? name;
  const c = COLUMNS[key];
  if (c === undefined) throw unsupported(`ps column "${name}"`);
  return header === undefined ? c : { title: header, value: c.value };
}

const FULL = ['uid', 'pid', 'ppid', 'c', 'stime', 'tty', 'time', 'cmd'];
const USER = ['user', 'pid', '%cpu', '%mem', 'vsz', 'rss', 'tty', 'stat', 'start_time', 'bsdtime', 'args'];
const PLAIN = ['pid', 'tty', 'time', 'cmd'];

const unsupported = (what: string): WharfError =>
  new WharfError('NotImplemented', 'WHARF_PS_ARGS_NOT_SUPPORTED', `${what} is not supported by top: wharf reads /proc itself and knows -e, -f, -o and BSD a, u, x`);

/** PsFormat is a parsed ps_args: the columns to show. */
export type PsFormat = readonly PsColumn[];

function fieldList(spec: string): PsColumn[] {
  const out: PsColumn[] = [];
  for (const item of spec.split(/[,\s]+/).filter((s) => s !== '')) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      out.push(column(item));
      continue;
    }
    const [name, header] = [item.slice(0, eq), item.slice(eq + 1)];
    // compat: moby's validatePSArgs refuses another column titled PID (it finds the pids by that title).
    if (header.startsWith('PID') && name !== 'pid') {
      throw invalidArgument('WHARF_INVALID_PARAMETER', `specifying "${name}=${header}" is not allowed`);
    }
    out.push(column(name, header));
  }
  if (out.length === 0) throw invalidArgument('WHARF_INVALID_PARAMETER', 'ps -o needs a list of columns');
  return out;
}

/**
 * parsePsArgs reads `docker top`'s ps_args (default "-ef") into columns: UNIX options -e/-A/-a (ignored: the
 * processes are always the container's), -f (full: UID PID PPID C STIME TTY TIME CMD), -o list; BSD options a,
 * x, u (USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND), o list, w. Anything else is NotImplemented.
 */
export function parsePsArgs(psArgs: string): PsFormat {
  const tokens = (psArgs.trim() === '' ? '-ef' : psArgs).trim().split(/\s+/);
  let full = false;
  let user = false;
  const custom: PsColumn[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    // compat: procps reads "-aux" as BSD "aux" (when no user is named "x").
    const dashed = token.startsWith('-');
    const bsd = !dashed || /^-[ax]*u[ax]*$/.test(token);
    const letters = dashed ? token.slice(1) : token;
    for (let j = 0; j < letters.length; j++) {
      const ch = letters[j] as string;
      if (ch === 'o') {
        const rest = letters.slice(j + 1);
        custom.push(...fieldList(rest !== '' ? rest : (tokens[++i] ?? '')));
        break;
      }
      if ('eAaxw'.includes(ch) || (bsd && ch === 'f')) continue;
      if (!bsd && ch === 'f') full = true;
      else if (bsd && ch === 'u') user = true;
      else throw unsupported(`the ps option "${dashed ? '-' : ''}${ch}"`);
    }
  }
  if (custom.length > 0) return custom;
  if (user) return USER.map((n) => column(n));
  // compat: the UID column of ps -f shows the user's name (procps's -f uses euser under the title UID).
  return (full ? FULL : PLAIN).map((n) => (n === 'uid' ? column('user', 'UID') : column(n)));
}

/** formatPs renders processes as Docker's top response: titles and one row of strings per process. */
export function formatPs(format: PsFormat, processes: readonly ProcessInfo[], ctx: PsContext): { titles: string[]; processes: string[][] } {
  return {
    titles: format.map((c) => c.title),
    processes: processes.map((p) => format.map((c) => c.value(p, ctx))),
  };
}
