import type { ContainerFlagValues, ConvertedFlags } from './flag-values.js';
import type { DeviceMapping } from './host-options.js';
import type { EndpointSettings } from './networking.js';
import { OptionsError } from './option-errors.js';
import type { PortPlan } from './ports.js';
import type { Env } from './validators.js';

// docker's parse (cli/command/container/opts.go) plus the normalisation its API client applies in ContainerCreate:
// container flags in, the POST /containers/create body out, field for field as docker 28 sends it (zero values and
// nulls included, so that the daemon sees exactly what it sees from docker). The parsers of optional flags are
// loaded only when those flags are used: `wharf run --rm busybox true` must start fast.

/** CreateRequestBody is the JSON body of POST /containers/create: Config fields, HostConfig and NetworkingConfig. */
export interface CreateRequestBody {
  [field: string]: unknown;
  HostConfig: Record<string, unknown>;
  NetworkingConfig: { EndpointsConfig: Record<string, EndpointSettings> };
}

/** CreateInput is what the body is built from. */
export interface CreateInput {
  readonly flags: ContainerFlagValues;
  /** Long names of the flags given explicitly. */
  readonly changed: ReadonlySet<string>;
  readonly image: string;
  readonly args: readonly string[];
  /** The environment `-e NAME` and env-file bare names read from. */
  readonly env: Env;
  /** Directory relative bind sources (`-v ./x:/x`) are resolved against. */
  readonly cwd: string;
  /** Terminal size [height, width] of the client's stdout, [0, 0] when it is not a terminal. */
  readonly consoleSize: readonly [number, number];
}

/** AttachStreams says which standard streams the container is created to attach. */
export interface AttachStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** attachStreams is docker's rule: -a picks streams, -i adds stdin, no -a means stdout and stderr. */
export function attachStreams(attach: readonly string[], interactive: boolean): AttachStreams {
  return {
    stdin: attach.includes('stdin') || interactive,
    stdout: attach.length === 0 || attach.includes('stdout'),
    stderr: attach.length === 0 || attach.includes('stderr'),
  };
}

/** normalizeCapabilities is docker's client-side cap normalisation: upper case, CAP_ prefix (except ALL), unique, sorted. */
export function normalizeCapabilities(caps: readonly string[]): string[] | null {
  const out = [...new Set(caps.map((c) => {
    const u = c.toUpperCase();
    return u === 'ALL' || u.startsWith('CAP_') ? u : `CAP_${u}`;
  }))].sort();
  return out.length > 0 ? out : null;
}

/** parseRestartPolicy is docker's opts.ParseRestartPolicy: `name[:max-retries]`; the name is checked by the daemon. */
export function parseRestartPolicy(policy: string): { Name: string; MaximumRetryCount: number } | Record<string, never> {
  if (policy === '') return {};
  const colon = policy.indexOf(':');
  const name = colon < 0 ? policy : policy.slice(0, colon);
  const count = colon < 0 ? '' : policy.slice(colon + 1);
  if (colon >= 0 && name === '') throw new OptionsError('invalid restart policy format: no policy provided before colon');
  let max = 0;
  if (count !== '') {
    if (!/^[+-]?\d+$/.test(count)) throw new OptionsError('invalid restart policy format: maximum retry count must be an integer');
    max = Number(count);
  }
  return { Name: name, MaximumRetryCount: max };
}

/** kvToMap is docker's ConvertKVStringsToMap: `k=v` strings to an object (a bare `k` maps to ""). */
export function kvToMap(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    out[eq < 0 ? v : v.slice(0, eq)] = eq < 0 ? '' : v.slice(eq + 1);
  }
  return out;
}

/** loggingOpts is docker's parseLoggingOpts: `--log-opt k=v` into a map; the `none` driver takes no options. */
export function loggingOpts(driver: string, opts: readonly string[]): Record<string, string> {
  if (driver === 'none' && opts.length > 0) throw new OptionsError(`invalid logging opts for driver ${driver}`);
  return kvToMap(opts);
}

const nullIfEmpty = <T>(a: readonly T[]): T[] | null => (a.length > 0 ? [...a] : null);

/** ZERO_CONVERTED are the converted flags when none of them was given. */
const ZERO_CONVERTED: ConvertedFlags = {
  attach: [], env: [], labels: [], dns: [], dnsSearch: [], extraHosts: [], links: [], sysctls: {}, annotations: {},
  deviceCgroupRules: [], ulimits: [], weightDevices: [], readBps: [], writeBps: [], readIops: [], writeIops: [],
  networks: [], mounts: [], memory: 0, memoryReservation: 0, memorySwap: 0, kernelMemory: 0, shmSize: 0,
  ioMaxBandwidth: 0, ioMaxIops: 0, nanoCpus: 0, blkioWeight: 0,
  health: { interval: 0, timeout: 0, startPeriod: 0, startInterval: 0 },
};

const CONVERTED_LISTS = [
  'attach', 'env', 'label', 'dns', 'dns-search', 'add-host', 'link', 'sysctl', 'annotation', 'device-cgroup-rule',
  'ulimit', 'blkio-weight-device', 'device-read-bps', 'device-write-bps', 'device-read-iops', 'device-write-iops',
  'network', 'net', 'mount',
] as const;
const CONVERTED_SCALARS = [
  'memory', 'memory-reservation', 'memory-swap', 'kernel-memory', 'shm-size', 'io-maxbandwidth', 'io-maxiops', 'cpus',
  'blkio-weight', 'health-interval', 'health-timeout', 'health-start-period', 'health-start-interval',
];

async function convert(input: CreateInput): Promise<ConvertedFlags> {
  const f = input.flags;
  if (!CONVERTED_LISTS.some((n) => f[n].length > 0) && !CONVERTED_SCALARS.some((n) => input.changed.has(n))) return ZERO_CONVERTED;
  const { convertFlagValues } = await import('./flag-values.js');
  return convertFlagValues(f, input.changed, input.env, input.cwd);
}

/** Parts are the pieces of the body computed by the optional parsers. */
interface Parts {
  binds: string[];
  volumes: Record<string, Record<string, never>>;
  tmpfs: Record<string, string>;
  ports: PortPlan;
  devices: { mappings: DeviceMapping[]; requests: unknown[] | null };
  env: string[];
  labels: string[];
  security: { opts: string[]; maskedPaths: string[] | null; readonlyPaths: string[] | null };
  storage: Record<string, string>;
  health: Record<string, unknown> | undefined;
  endpoints: Record<string, EndpointSettings>;
}

function checkEarly(f: ContainerFlagValues): void {
  if (f['mac-address'] !== '' && !/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(f['mac-address'].trim())) {
    throw new OptionsError(`${f['mac-address']} is not a valid mac address`);
  }
  const sw = f['memory-swappiness'];
  if (sw !== -1 && (sw < 0 || sw > 100)) throw new OptionsError(`invalid value: ${sw}. Valid memory swappiness range is 0-100`);
}

function checkModes(f: ContainerFlagValues): void {
  const container = (s: string): boolean => s.startsWith('container:') && s.length > 'container:'.length;
  if (!(f.pid === '' || f.pid === 'host' || container(f.pid))) throw new OptionsError('--pid: invalid PID mode');
  if (!(f.uts === '' || f.uts === 'host')) throw new OptionsError('--uts: invalid UTS mode');
  if (!(f.userns === '' || f.userns === 'host')) throw new OptionsError('--userns: invalid USER mode');
  if (!['', 'host', 'private'].includes(f.cgroupns)) throw new OptionsError('--cgroupns: invalid CGROUP mode');
}

async function fileParts(input: CreateInput, c: ConvertedFlags): Promise<Pick<Parts, 'binds' | 'volumes' | 'tmpfs' | 'ports' | 'env' | 'labels'>> {
  const f = input.flags;
  const mounts = f.volume.length > 0 || f.tmpfs.length > 0 ? await import('./mounts.js') : undefined;
  const vols = mounts && f.volume.length > 0 ? mounts.bindsAndVolumes(f.volume, input.cwd) : { binds: [], volumes: {} };
  const tmpfs = mounts ? mounts.tmpfsMap(f.tmpfs) : {};
  const ports = f.publish.length > 0 || f.expose.length > 0 ? (await import('./ports.js')).portPlan(f.publish, f.expose) : { exposed: {}, bindings: {} };
  const kv = f['env-file'].length > 0 || f['label-file'].length > 0 ? await import('./kv-file.js') : undefined;
  const env = kv ? kv.readKvStrings(f['env-file'], c.env, input.env) : c.env;
  const labels = kv ? kv.readKvStrings(f['label-file'], c.labels) : c.labels;
  return { ...vols, tmpfs, ports, env, labels };
}

function hasHealthFlags(input: CreateInput): boolean {
  return input.flags['no-healthcheck'] || input.flags['health-cmd'] !== '' || ['health-retries', 'health-interval', 'health-timeout', 'health-start-period', 'health-start-interval'].some((n) => input.changed.has(n));
}

async function hostParts(input: CreateInput, c: ConvertedFlags): Promise<Pick<Parts, 'devices' | 'security' | 'storage' | 'health'>> {
  const f = input.flags;
  const needed = f.device.length > 0 || f['security-opt'].length > 0 || f['storage-opt'].length > 0 || hasHealthFlags(input);
  if (!needed) return { devices: { mappings: [], requests: null }, security: { opts: [], maskedPaths: null, readonlyPaths: null }, storage: {}, health: undefined };
  const h = await import('./host-options.js');
  const devices = h.devicePlan(f.device);
  return { devices, security: h.securityOpts(f['security-opt']), storage: h.storageOpts(f['storage-opt']), health: h.healthConfig(f, c.health) };
}

/** defaultEndpoint is the endpoint docker sends for the default network when no network flag is given. */
function defaultEndpoint(): EndpointSettings {
  return {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0, NetworkID: '', EndpointID: '',
    Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

async function endpoints(input: CreateInput, c: ConvertedFlags): Promise<Record<string, EndpointSettings>> {
  const f = input.flags;
  const flags = {
    aliases: [...f['network-alias'], ...f['net-alias']], links: c.links, ip: f.ip, ip6: f.ip6, mac: f['mac-address'], linkLocalIps: f['link-local-ip'],
  };
  const plain = c.networks.length === 0 && flags.aliases.length === 0 && flags.links.length === 0 && !flags.ip && !flags.ip6 && !flags.mac && flags.linkLocalIps.length === 0;
  if (plain) return { default: defaultEndpoint() };
  return (await import('./networking.js')).endpointsConfig(c.networks, flags);
}

function resources(f: ContainerFlagValues, c: ConvertedFlags, p: Parts): Record<string, unknown> {
  return {
    CpuShares: f['cpu-shares'], Memory: c.memory, NanoCpus: c.nanoCpus, CgroupParent: f['cgroup-parent'],
    BlkioWeight: c.blkioWeight, BlkioWeightDevice: c.weightDevices, BlkioDeviceReadBps: c.readBps,
    BlkioDeviceWriteBps: c.writeBps, BlkioDeviceReadIOps: c.readIops, BlkioDeviceWriteIOps: c.writeIops,
    CpuPeriod: f['cpu-period'], CpuQuota: f['cpu-quota'], CpuRealtimePeriod: f['cpu-rt-period'],
    CpuRealtimeRuntime: f['cpu-rt-runtime'], CpusetCpus: f['cpuset-cpus'], CpusetMems: f['cpuset-mems'],
    Devices: p.devices.mappings, DeviceCgroupRules: nullIfEmpty(c.deviceCgroupRules), DeviceRequests: p.devices.requests,
    MemoryReservation: c.memoryReservation, MemorySwap: c.memorySwap, MemorySwappiness: f['memory-swappiness'],
    OomKillDisable: f['oom-kill-disable'], PidsLimit: f['pids-limit'], Ulimits: c.ulimits,
    CpuCount: f['cpu-count'], CpuPercent: f['cpu-percent'], IOMaximumIOps: c.ioMaxIops, IOMaximumBandwidth: c.ioMaxBandwidth,
  };
}

/** hostConfig assembles HostConfig in docker's field order (omitempty fields only when set). */
function hostConfig(input: CreateInput, c: ConvertedFlags, p: Parts): Record<string, unknown> {
  const f = input.flags;
  const h: Record<string, unknown> = {
    Binds: nullIfEmpty(p.binds), ContainerIDFile: f.cidfile,
    LogConfig: { Type: f['log-driver'], Config: loggingOpts(f['log-driver'], f['log-opt']) },
    NetworkMode: c.networks[0]?.target ?? 'default', PortBindings: p.ports.bindings,
    RestartPolicy: parseRestartPolicy(f.restart), AutoRemove: f.rm, VolumeDriver: f['volume-driver'],
    VolumesFrom: nullIfEmpty(f['volumes-from']), ConsoleSize: [...input.consoleSize],
  };
  if (Object.keys(c.annotations).length > 0) h.Annotations = c.annotations;
  Object.assign(h, {
    CapAdd: normalizeCapabilities(f['cap-add']), CapDrop: normalizeCapabilities(f['cap-drop']), CgroupnsMode: f.cgroupns,
    Dns: c.dns, DnsOptions: [...f['dns-option'], ...f['dns-opt']], DnsSearch: c.dnsSearch,
    ExtraHosts: nullIfEmpty(c.extraHosts), GroupAdd: nullIfEmpty(f['group-add']), IpcMode: f.ipc, Cgroup: '',
    Links: nullIfEmpty(c.links), OomScoreAdj: f['oom-score-adj'], PidMode: f.pid, Privileged: f.privileged,
    PublishAllPorts: f['publish-all'], ReadonlyRootfs: f['read-only'], SecurityOpt: nullIfEmpty(p.security.opts),
  });
  if (Object.keys(p.storage).length > 0) h.StorageOpt = p.storage;
  if (Object.keys(p.tmpfs).length > 0) h.Tmpfs = p.tmpfs;
  Object.assign(h, { UTSMode: f.uts, UsernsMode: f.userns, ShmSize: c.shmSize });
  if (Object.keys(c.sysctls).length > 0) h.Sysctls = c.sysctls;
  if (f.runtime !== '') h.Runtime = f.runtime;
  Object.assign(h, { Isolation: f.isolation }, resources(f, c, p));
  if (c.mounts.length > 0) h.Mounts = c.mounts;
  Object.assign(h, { MaskedPaths: p.security.maskedPaths, ReadonlyPaths: p.security.readonlyPaths });
  if (f.rm && !['', 'no'].includes((h.RestartPolicy as { Name?: string }).Name ?? '')) {
    throw new OptionsError('conflicting options: cannot specify both --restart and --rm');
  }
  if (input.changed.has('init')) h.Init = f.init;
  return h;
}

function config(input: CreateInput, c: ConvertedFlags, p: Parts): Record<string, unknown> {
  const f = input.flags;
  const streams = attachStreams(c.attach, f.interactive);
  const out: Record<string, unknown> = {
    Hostname: f.hostname, Domainname: f.domainname, User: f.user,
    AttachStdin: streams.stdin, AttachStdout: streams.stdout, AttachStderr: streams.stderr,
  };
  if (Object.keys(p.ports.exposed).length > 0) out.ExposedPorts = p.ports.exposed;
  Object.assign(out, {
    Tty: f.tty, OpenStdin: f.interactive,
    // compat: docker closes stdin when the attached client disconnects if stdin is both open and attached.
    StdinOnce: f.interactive && streams.stdin,
    Env: nullIfEmpty(p.env), Cmd: nullIfEmpty(input.args),
  });
  if (p.health) out.Healthcheck = p.health;
  const entrypoint = f.entrypoint !== '' ? [f.entrypoint] : input.changed.has('entrypoint') ? [''] : null;
  Object.assign(out, { Image: input.image, Volumes: p.volumes, WorkingDir: f.workdir, Entrypoint: entrypoint, OnBuild: null, Labels: kvToMap(p.labels) });
  if (f['stop-signal'] !== '') out.StopSignal = f['stop-signal'];
  if (input.changed.has('stop-timeout')) out.StopTimeout = f['stop-timeout'];
  return out;
}

async function parseOptions(input: CreateInput, c: ConvertedFlags): Promise<CreateRequestBody> {
  checkEarly(input.flags);
  const files = await fileParts(input, c);
  checkModes(input.flags);
  const p: Parts = { ...files, ...(await hostParts(input, c)), endpoints: {} };
  const h = hostConfig(input, c, p);
  p.endpoints = await endpoints(input, c);
  return { ...config(input, c, p), HostConfig: h, NetworkingConfig: { EndpointsConfig: p.endpoints } };
}

/**
 * buildCreateBody turns run/create flags into the create body. A bad flag value throws a FlagValueError; a bad
 * combination, spec or file throws an OptionsError; both carry docker's wording.
 */
export async function buildCreateBody(input: CreateInput): Promise<CreateRequestBody> {
  const converted = await convert(input);
  try {
    return await parseOptions(input, converted);
  } catch (err) {
    // Parsers below report plain Errors (files) and ValueErrors (specs); they are option errors here.
    if (err instanceof Error && (err.name === 'ValueError' || err.constructor === Error)) throw new OptionsError(err.message, { cause: err });
    throw err;
  }
}
