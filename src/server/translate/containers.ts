import type { components } from '../../api/types.gen.js';
import type { MountSpec } from '../../core/container/container-spec.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../../core/oci/spec-defaults.js';
import type { ContainerDetails } from '../../services/containers/container-engine.js';
import type { ContainerRecord, ContainerState, HealthState } from '../../services/containers/container-record.js';
import type { ExitStatus } from '../../services/containers/exit-waiters.js';
import type { ContainerListItem } from '../../services/containers/list.js';
import type { ContainerPruneReport } from '../../services/containers/prune.js';
import { resourcesToWire } from '../../services/containers/resources-wire.js';
import { GRAPH_DRIVER } from './images.js';

type WireSummary = components['schemas']['ContainerSummary'];

/**
 * humanDuration renders a duration as Docker's go-units HumanDuration ("Less than a second", "3 seconds",
 * "About a minute", "5 minutes", "About an hour", "3 hours", "2 days", "3 weeks", "4 months", "2 years").
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

function healthText(h: HealthState): string {
  return h.status === 'starting' ? 'health: starting' : h.status;
}

/** statusText is Docker's State.String(): the STATUS column of `docker ps`. */
export function statusText(state: ContainerState, now: Date): string {
  const since = (t: string): string => humanDuration(Math.max(0, now.getTime() - Date.parse(t)));
  switch (state.status) {
    case 'running':
      return state.health !== undefined && state.health.status !== 'none' ? `Up ${since(state.startedAt)} (${healthText(state.health)})` : `Up ${since(state.startedAt)}`;
    case 'paused':
      return `Up ${since(state.startedAt)} (Paused)`;
    case 'restarting':
      return `Restarting (${state.exitCode}) ${since(state.finishedAt)} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      if (state.startedAt.startsWith('0001')) return 'Created';
      return `Exited (${state.exitCode}) ${since(state.finishedAt)} ago`;
  }
}

/** commandText is the COMMAND column: Path and Args joined, an argument with a space in single quotes (moby). */
export function commandText(record: ContainerRecord): string {
  const args = record.config.args.map((a) => (a.includes(' ') ? `'${a}'` : a));
  return args.length > 0 ? `${record.config.path} ${args.join(' ')}` : record.config.path;
}

function wireMount(m: MountSpec): Record<string, unknown> {
  if (m.type === 'bind') {
    return { Type: 'bind', Source: m.source, Destination: m.destination, Mode: m.readOnly ? 'ro' : '', RW: !m.readOnly, Propagation: m.propagation };
  }
  return { Type: 'tmpfs', Source: '', Destination: m.destination, Mode: '', RW: !m.options.includes('ro'), Propagation: '' };
}

function endpoint(): Record<string, unknown> {
  return {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0, NetworkID: '', EndpointID: '',
    Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

function networkName(record: ContainerRecord): string {
  return record.spec.network.disabled ? 'none' : record.spec.network.mode;
}

/** toContainerSummary translates a container for `GET /containers/json`. */
export function toContainerSummary(item: ContainerListItem, now: Date = new Date()): WireSummary {
  const r = item.record;
  const net = networkName(r);
  return {
    Id: r.id,
    Names: [`/${r.name}`],
    Image: r.image,
    ImageID: r.imageId,
    Command: commandText(r),
    Created: Math.floor(Date.parse(r.created) / 1000),
    Ports: [],
    ...(item.sizes !== undefined ? { SizeRw: item.sizes.sizeRw, SizeRootFs: item.sizes.sizeRootFs } : {}),
    Labels: { ...r.config.labels },
    State: r.state.status,
    Status: statusText(r.state, now),
    HostConfig: { NetworkMode: net },
    NetworkSettings: { Networks: { [net]: endpoint() } },
    Mounts: r.spec.mounts.map(wireMount),
  } as WireSummary;
}

function wireState(s: ContainerState): Record<string, unknown> {
  return {
    Status: s.status,
    Running: s.status === 'running' || s.status === 'paused' || s.status === 'restarting',
    Paused: s.status === 'paused',
    Restarting: s.status === 'restarting',
    OOMKilled: s.oomKilled,
    Dead: s.status === 'dead',
    Pid: s.pid,
    ExitCode: s.exitCode,
    Error: s.error,
    StartedAt: s.startedAt,
    FinishedAt: s.finishedAt,
    ...(s.health !== undefined
      ? {
          Health: {
            Status: s.health.status,
            FailingStreak: s.health.failingStreak,
            Log: s.health.log.map((e) => ({ Start: e.start, End: e.end, ExitCode: e.exitCode, Output: e.output })),
          },
        }
      : {}),
  };
}

/** wireConfig is inspect's Config: the request merged with the image config, as Docker stores it. */
function wireConfig(r: ContainerRecord): Record<string, unknown> {
  const c = r.config;
  const h = c.healthcheck;
  const workingDir = r.spec.workingDir || (c.workingDir === '/' ? '' : c.workingDir);
  return {
    Hostname: r.hostname,
    Domainname: r.spec.domainname,
    User: c.user,
    AttachStdin: r.spec.attachStdin,
    AttachStdout: r.spec.attachStdout,
    AttachStderr: r.spec.attachStderr,
    ...(c.exposedPorts.length > 0 ? { ExposedPorts: Object.fromEntries(c.exposedPorts.map((p) => [p, {}])) } : {}),
    Tty: r.spec.tty,
    OpenStdin: r.spec.openStdin,
    StdinOnce: r.spec.stdinOnce,
    Env: [...c.env],
    Cmd: c.cmd ? [...c.cmd] : null,
    ...(h !== undefined
      ? { Healthcheck: { Test: [...h.test], Interval: h.interval, Timeout: h.timeout, StartPeriod: h.startPeriod, StartInterval: h.startInterval, Retries: h.retries } }
      : {}),
    Image: r.image,
    Volumes: c.imageVolumes.length > 0 ? Object.fromEntries(c.imageVolumes.map((v) => [v, {}])) : null,
    WorkingDir: workingDir,
    Entrypoint: c.entrypoint ? [...c.entrypoint] : null,
    OnBuild: null,
    Labels: { ...c.labels },
    ...(c.stopSignal !== undefined ? { StopSignal: c.stopSignal } : {}),
    ...(r.spec.stopTimeout !== undefined ? { StopTimeout: r.spec.stopTimeout } : {}),
    ...(r.spec.shell.length > 0 ? { Shell: [...r.spec.shell] } : {}),
  };
}

// Docker's HostConfig fields with the values dockerd fills in when the request had none.
function hostConfigDefaults(r: ContainerRecord): Record<string, unknown> {
  const s = r.spec;
  const privileged = s.security.privileged;
  return {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: s.logConfig.requestedType || 'json-file', Config: { ...s.logConfig.options } },
    NetworkMode: s.network.mode, PortBindings: {}, AutoRemove: s.autoRemove, VolumeDriver: '', VolumesFrom: null,
    ConsoleSize: s.consoleSize ? [...s.consoleSize] : [0, 0], CapAdd: null, CapDrop: null, CgroupnsMode: s.cgroupnsMode || 'private',
    Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: null, GroupAdd: null, IpcMode: s.ipcMode, Cgroup: '', Links: null,
    OomScoreAdj: s.oomScoreAdj, PidMode: s.pidMode === 'host' ? 'host' : '', Privileged: privileged, PublishAllPorts: false,
    ReadonlyRootfs: s.security.readonlyRootfs, SecurityOpt: null, UTSMode: s.utsMode === 'host' ? 'host' : '', UsernsMode: '',
    ShmSize: s.shmSize, Runtime: 'runc', Isolation: '',
    MaskedPaths: s.security.maskedPaths ? [...s.security.maskedPaths] : privileged ? [] : [...DEFAULT_MASKED_PATHS],
    ReadonlyPaths: s.security.readonlyPaths ? [...s.security.readonlyPaths] : privileged ? [] : [...DEFAULT_READONLY_PATHS],
  };
}

// The request's values that mean "the default" (the docker CLI sends every field, most of them empty).
const isUnset = (v: unknown): boolean => v === undefined || v === null || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0 && !Array.isArray(v));

/** wireHostConfig echoes the request's HostConfig over Docker's defaults, with the current limits and policy. */
function wireHostConfig(r: ContainerRecord): Record<string, unknown> {
  const p = r.spec.restartPolicy;
  const given = Object.fromEntries(Object.entries(r.hostConfig).filter(([, v]) => !isUnset(v)));
  const defaults = hostConfigDefaults(r);
  const logConfig = given['LogConfig'] as { Type?: unknown } | undefined;
  return {
    ...defaults,
    ...given,
    ...(logConfig !== undefined && isUnset(logConfig.Type) ? { LogConfig: defaults['LogConfig'] } : {}),
    ...resourcesToWire(r.spec.resources),
    RestartPolicy: { Name: p.name, MaximumRetryCount: p.maximumRetryCount },
  };
}

function networkSettings(r: ContainerRecord): Record<string, unknown> {
  return {
    Bridge: '', SandboxID: '', SandboxKey: '', Ports: {}, HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
    Networks: { [networkName(r)]: endpoint() },
  };
}

/** toContainerInspect translates a container for `GET /containers/{id}/json` (Docker's full shape). */
export function toContainerInspect(d: ContainerDetails): Record<string, unknown> {
  const r = d.record;
  return {
    Id: r.id,
    Created: r.created,
    Path: r.config.path,
    Args: [...r.config.args],
    State: wireState(r.state),
    Image: r.imageId,
    ResolvConfPath: r.paths.resolvConfPath,
    HostnamePath: r.paths.hostnamePath,
    HostsPath: r.paths.hostsPath,
    LogPath: r.paths.logPath,
    Name: `/${r.name}`,
    RestartCount: r.state.restartCount,
    Driver: GRAPH_DRIVER,
    Platform: r.platform.split('/')[0] ?? 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: d.execIds.length > 0 ? [...d.execIds] : null,
    HostConfig: wireHostConfig(r),
    GraphDriver: {
      Name: GRAPH_DRIVER,
      Data: { LowerDir: d.lowerDirs.join(':'), MergedDir: r.paths.rootfs, UpperDir: r.paths.upper, WorkDir: r.paths.work },
    },
    ...(d.sizes !== undefined ? { SizeRw: d.sizes.sizeRw, SizeRootFs: d.sizes.sizeRootFs } : {}),
    Mounts: r.spec.mounts.map(wireMount),
    Config: wireConfig(r),
    NetworkSettings: networkSettings(r),
  };
}

/** toWaitResponse is Docker's WaitResponse (Error only when there is one). */
export function toWaitResponse(s: ExitStatus): { StatusCode: number; Error?: { Message: string } } {
  return { StatusCode: s.exitCode, ...(s.error !== undefined ? { Error: { Message: s.error } } : {}) };
}

/** toContainerPruneReport is Docker's ContainerPruneResponse. */
export function toContainerPruneReport(r: ContainerPruneReport): { ContainersDeleted: string[] | null; SpaceReclaimed: number } {
  return { ContainersDeleted: r.containersDeleted.length > 0 ? [...r.containersDeleted] : null, SpaceReclaimed: r.spaceReclaimed };
}

/**
 * muxFrame frames output for a non-TTY stream as Docker's stdcopy does: an 8-byte header (stream type 1 stdout,
 * 2 stderr, three zero bytes, the payload length big-endian) followed by the payload.
 */
export function muxFrame(stream: 'stdout' | 'stderr', payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
