import type { FlagValues } from '../flags/flag-spec.js';
import type { CONTAINER_FLAGS } from './flag-table.js';
import { parseMount, type MountSpec } from './mounts.js';
import { parseNetworkOpt, type NetworkAttachment } from './networking.js';
import { FlagValueError } from './option-errors.js';
import * as v from './validators.js';
import { ValueError, memSwapBytes, parseCpus, parseDuration, parseUint, ramInBytes } from './values.js';

// The pflag step of docker's container flags: every value is checked and converted as the flag is read, so a bad
// value is reported as `invalid argument "x" for "-m, --memory" flag: ...` (exit status 125).

/** ContainerFlagValues are the raw values of the container flags, as the flag parser returns them. */
export type ContainerFlagValues = FlagValues<typeof CONTAINER_FLAGS>;

/** ConvertedFlags are the container flags whose values docker converts while reading them. */
export interface ConvertedFlags {
  attach: string[];
  env: string[];
  labels: string[];
  dns: string[];
  dnsSearch: string[];
  extraHosts: string[];
  links: string[];
  sysctls: Record<string, string>;
  annotations: Record<string, string>;
  deviceCgroupRules: string[];
  ulimits: v.Ulimit[];
  weightDevices: { Path: string; Weight: number }[];
  readBps: { Path: string; Rate: number }[];
  writeBps: { Path: string; Rate: number }[];
  readIops: { Path: string; Rate: number }[];
  writeIops: { Path: string; Rate: number }[];
  networks: NetworkAttachment[];
  mounts: MountSpec[];
  memory: number;
  memoryReservation: number;
  memorySwap: number;
  kernelMemory: number;
  shmSize: number;
  ioMaxBandwidth: number;
  ioMaxIops: number;
  nanoCpus: number;
  blkioWeight: number;
  health: { interval: number; timeout: number; startPeriod: number; startInterval: number };
}

function label(name: string, short?: string): string {
  return short ? `-${short}, --${name}` : `--${name}`;
}

/** convertOne applies a docker parser to one flag value, turning its ValueError into a FlagValueError. */
function convertOne<T>(flag: string, value: string, parse: (s: string) => T): T {
  try {
    return parse(value);
  } catch (err) {
    if (err instanceof ValueError) throw new FlagValueError(flag, value, err.message);
    throw err;
  }
}

function each<T>(flag: string, values: readonly string[], parse: (s: string) => T): T[] {
  return values.map((s) => convertOne(flag, s, parse));
}

/** scalar converts a single-valued flag when it was given, else returns the zero value. */
function scalar<T>(f: ContainerFlagValues, changed: ReadonlySet<string>, name: keyof ContainerFlagValues, short: string | undefined, parse: (s: string) => T, zero: T): T {
  if (!changed.has(name)) return zero;
  return convertOne(label(name, short), String(f[name]), parse);
}

function toMap(flag: string, values: readonly string[], validate?: (s: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of values) {
    const s = validate ? convertOne(flag, raw, validate) : raw;
    const eq = s.indexOf('=');
    out[eq < 0 ? s : s.slice(0, eq)] = eq < 0 ? '' : s.slice(eq + 1);
  }
  return out;
}

function lists(f: ContainerFlagValues, env: v.Env, cwd: string): Omit<ConvertedFlags, 'memory' | 'memoryReservation' | 'memorySwap' | 'kernelMemory' | 'shmSize' | 'ioMaxBandwidth' | 'ioMaxIops' | 'nanoCpus' | 'blkioWeight' | 'health'> {
  return {
    attach: each('-a, --attach', f.attach, v.validateAttach),
    env: each('-e, --env', f.env, (s) => v.validateEnv(s, env)),
    labels: each('-l, --label', f.label, v.validateLabel),
    dns: each('--dns', f.dns, v.validateIpAddress),
    dnsSearch: each('--dns-search', f['dns-search'], v.validateDnsSearch),
    extraHosts: each('--add-host', f['add-host'], v.validateExtraHost),
    links: each('--link', f.link, v.validateLink),
    sysctls: toMap('--sysctl', f.sysctl, v.validateSysctl),
    annotations: toMap('--annotation', f.annotation),
    deviceCgroupRules: each('--device-cgroup-rule', f['device-cgroup-rule'], v.validateDeviceCgroupRule),
    ulimits: ulimitList(f.ulimit),
    weightDevices: each('--blkio-weight-device', f['blkio-weight-device'], v.parseWeightDevice),
    readBps: each('--device-read-bps', f['device-read-bps'], v.parseThrottleBps),
    writeBps: each('--device-write-bps', f['device-write-bps'], v.parseThrottleBps),
    readIops: each('--device-read-iops', f['device-read-iops'], v.parseThrottleIops),
    writeIops: each('--device-write-iops', f['device-write-iops'], v.parseThrottleIops),
    networks: [...each('--network', f.network, parseNetworkOpt), ...each('--net', f.net, parseNetworkOpt)],
    mounts: each('--mount', f.mount, (s) => parseMount(s, cwd)),
  };
}

/** ulimitList is docker's UlimitOpt: the last value per name wins, sorted by name. */
function ulimitList(values: readonly string[]): v.Ulimit[] {
  const byName = new Map<string, v.Ulimit>();
  for (const u of each('--ulimit', values, v.parseUlimit)) byName.set(u.Name, u);
  return [...byName.values()].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

/** convertFlagValues reads the container flags as docker's flag types do; the first bad value throws a FlagValueError. */
export function convertFlagValues(f: ContainerFlagValues, changed: ReadonlySet<string>, env: v.Env, cwd: string): ConvertedFlags {
  const s = <T>(name: keyof ContainerFlagValues, short: string | undefined, parse: (x: string) => T, zero: T): T => scalar(f, changed, name, short, parse, zero);
  return {
    ...lists(f, env, cwd),
    memory: s('memory', 'm', ramInBytes, 0),
    memoryReservation: s('memory-reservation', undefined, ramInBytes, 0),
    memorySwap: s('memory-swap', undefined, memSwapBytes, 0),
    kernelMemory: s('kernel-memory', undefined, ramInBytes, 0),
    shmSize: s('shm-size', undefined, ramInBytes, 0),
    ioMaxBandwidth: s('io-maxbandwidth', undefined, ramInBytes, 0),
    ioMaxIops: s('io-maxiops', undefined, (x) => parseUint(x, 64), 0),
    nanoCpus: s('cpus', undefined, parseCpus, 0),
    blkioWeight: s('blkio-weight', undefined, (x) => parseUint(x, 16), 0),
    health: {
      interval: s('health-interval', undefined, parseDuration, 0),
      timeout: s('health-timeout', undefined, parseDuration, 0),
      startPeriod: s('health-start-period', undefined, parseDuration, 0),
      startInterval: s('health-start-interval', undefined, parseDuration, 0),
    },
  };
}
