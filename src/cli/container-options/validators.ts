import { isIP } from 'node:net';
import { ValueError, goQuote, parseUint, ramInBytes } from './values.js';

// Docker's per-value validators of list flags (docker/cli opts: ValidateEnv, ValidateLabel, ValidateIPAddress,
// ValidateDNSSearch, ValidateExtraHost, ValidateSysctl, ValidateLink, go-units ParseUlimit, the blkio device
// parsers, validateAttach, validateDeviceCgroupRule). Each returns the value docker sends, or throws a ValueError
// with docker's message.

/** Env is the environment `-e NAME` (without a value) reads from. */
export type Env = Readonly<Record<string, string | undefined>>;

/** validateEnv is docker's ValidateEnv: a name is required; `NAME` alone takes its value from the environment. */
export function validateEnv(val: string, env: Env): string {
  const eq = val.indexOf('=');
  const k = eq < 0 ? val : val.slice(0, eq);
  if (k === '') throw new ValueError(`invalid environment variable: ${val}`);
  if (eq >= 0) return val;
  const v = env[k];
  return v === undefined ? val : `${k}=${v}`;
}

/** validateLabel is docker's ValidateLabel: a non-empty key without whitespace. */
export function validateLabel(value: string): string {
  const eq = value.indexOf('=');
  const key = (eq < 0 ? value : value.slice(0, eq)).replace(/^[ \t]+/, '');
  if (key === '') throw new ValueError(`invalid label '${value}': empty name`);
  if (/[ \t]/.test(key)) throw new ValueError(`label '${key}' contains whitespaces`);
  return value;
}

/** canonicalIp is Go's net.ParseIP(s).String(), or undefined when s is not an IP address. */
export function canonicalIp(s: string): string | undefined {
  const kind = isIP(s);
  if (kind === 4) return s;
  if (kind !== 6) return undefined;
  const host = new URL(`http://[${s}]/`).hostname.slice(1, -1);
  // Go prints IPv4-mapped addresses in dotted form.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return host;
  const hi = parseInt(mapped[1] ?? '0', 16);
  const lo = parseInt(mapped[2] ?? '0', 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** validateIpAddress is docker's ValidateIPAddress (for --dns): the address in canonical form. */
export function validateIpAddress(val: string): string {
  const ip = canonicalIp(val.trim());
  if (ip === undefined) throw new ValueError(`IP address is not correctly formatted: ${val}`);
  return ip;
}

const DOMAIN = /^(:?(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))(:?\.(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])))*)\.?\s*$/;

/** validateDnsSearch is docker's ValidateDNSSearch: a domain name, or `.` for none. */
export function validateDnsSearch(value: string): string {
  const val = value.replace(/^ +| +$/g, '');
  if (val === '.') return val;
  const m = /[a-zA-Z]/.test(val) ? DOMAIN.exec(val) : null;
  if (!m || (m[1] ?? '').length >= 255) throw new ValueError(`${val} is not a valid domain`);
  return m[1] ?? '';
}

/** validateExtraHost is docker's ValidateExtraHost: `host:ip` or `host=ip` becomes `host:ip`. */
export function validateExtraHost(val: string): string {
  let sep = val.indexOf('=');
  if (sep < 0) sep = val.indexOf(':');
  const k = sep < 0 ? '' : val.slice(0, sep);
  let v = sep < 0 ? '' : val.slice(sep + 1);
  if (sep < 0 || k === '' || k.includes(':')) throw new ValueError(`bad format for add-host: ${goQuote(val)}`);
  if (v !== 'host-gateway') {
    if (v.length > 2 && v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
    if (canonicalIp(v.trim()) === undefined) throw new ValueError(`invalid IP address in add-host: ${goQuote(v)}`);
  }
  return `${k}:${v}`;
}

const SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** validateSysctl is docker's ValidateSysctl: only namespaced sysctls (IPC kernel.*, net.*, fs.mqueue.*). */
export function validateSysctl(val: string): string {
  const eq = val.indexOf('=');
  const k = eq < 0 ? '' : val.slice(0, eq);
  if (k !== '' && (SYSCTLS.has(k) || k.startsWith('net.') || k.startsWith('fs.mqueue.'))) return val;
  throw new ValueError(`sysctl '${val}' is not allowed`);
}

/** validateLink is docker's ValidateLink: `name[:alias]`. */
export function validateLink(val: string): string {
  if (val === '') throw new ValueError('empty string specified for links');
  if (val.split(':').length > 2) throw new ValueError(`bad format for links: ${val}`);
  return val;
}

/** validateAttach is docker's validateAttach: stdin, stdout or stderr in any case, lower-cased. */
export function validateAttach(val: string): string {
  const s = val.toLowerCase();
  if (s === 'stdin' || s === 'stdout' || s === 'stderr') return s;
  throw new ValueError('valid streams are STDIN, STDOUT and STDERR');
}

/** validateDeviceCgroupRule is docker's validateDeviceCgroupRule: `type major:minor mode`. */
export function validateDeviceCgroupRule(val: string): string {
  if (/^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$/.test(val)) return val;
  throw new ValueError(`invalid device cgroup format '${val}'`);
}

/** Ulimit is one entry of HostConfig.Ulimits. */
export interface Ulimit {
  Name: string;
  Hard: number;
  Soft: number;
}

const ULIMITS = new Set(['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack']);

function goInt(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new ValueError(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
  return Number(s);
}

/** parseUlimit is go-units' ParseUlimit: `name=soft[:hard]` (hard defaults to soft; -1 is unlimited). */
export function parseUlimit(val: string): Ulimit {
  const eq = val.indexOf('=');
  if (eq < 0) throw new ValueError(`invalid ulimit argument: ${val}`);
  const name = val.slice(0, eq);
  if (!ULIMITS.has(name)) throw new ValueError(`invalid ulimit type: ${name}`);
  const limits = val.slice(eq + 1).split(':');
  if (limits.length > 2) throw new ValueError(`too many limit value arguments - ${val.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const hard = limits.length === 2 ? goInt(limits[1] ?? '') : undefined;
  const soft = goInt(limits[0] ?? '');
  const h = hard ?? soft;
  if (h !== -1) {
    if (soft === -1) throw new ValueError(`ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: ${h}`);
    if (soft > h) throw new ValueError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${h}`);
  }
  return { Name: name, Hard: h, Soft: soft };
}

function devicePair(val: string): [string, string] {
  const c = val.indexOf(':');
  const k = c < 0 ? '' : val.slice(0, c);
  if (c < 0 || k === '') throw new ValueError(`bad format: ${val}`);
  if (!k.startsWith('/dev/')) throw new ValueError(`bad format for device path: ${val}`);
  return [k, val.slice(c + 1)];
}

/** parseWeightDevice is docker's ValidateWeightDevice: `/dev/x:weight` with a weight of 0 or 10..1000. */
export function parseWeightDevice(val: string): { Path: string; Weight: number } {
  const [k, v] = devicePair(val);
  let weight: number;
  try {
    weight = parseUint(v, 16);
  } catch {
    throw new ValueError(`invalid weight for device: ${val}`);
  }
  if (weight > 0 && (weight < 10 || weight > 1000)) throw new ValueError(`invalid weight for device: ${val}`);
  return { Path: k, Weight: weight };
}

/** parseThrottleBps is docker's ValidateThrottleBpsDevice: `/dev/x:rate[unit]`. */
export function parseThrottleBps(val: string): { Path: string; Rate: number } {
  const [k, v] = devicePair(val);
  try {
    return { Path: k, Rate: ramInBytes(v) };
  } catch {
    throw new ValueError(`invalid rate for device: ${val}. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb`);
  }
}

/** parseThrottleIops is docker's ValidateThrottleIOpsDevice: `/dev/x:number`. */
export function parseThrottleIops(val: string): { Path: string; Rate: number } {
  const [k, v] = devicePair(val);
  try {
    return { Path: k, Rate: parseUint(v, 64) };
  } catch {
    throw new ValueError(`invalid rate for device: ${val}. The correct format is <device-path>:<number>. Number must be a positive integer`);
  }
}
