import type { components } from '../../api/types.gen.js';
import { API_VERSION, MIN_API_VERSION, compareApiVersions } from '../../api/version.js';
import type { DiskUsage } from '../../services/system/df.js';
import type { SystemInfo } from '../../services/system/info.js';
import type { SystemFacts } from '../../services/system/system-facts.js';
import { GRAPH_DRIVER, toImageSummary } from './images.js';

type WireVersion = components['schemas']['SystemVersion'];
type WireInfo = components['schemas']['SystemInfo'];

// Node's process.arch names → Go's GOARCH names, which docker clients print and compare.
const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle' };

/** goArch names a Node architecture the way Go (and so Docker) does. */
export function goArch(nodeArch: string): string {
  return GO_ARCH[nodeArch] ?? nodeArch;
}

/** toVersion translates the facts for `GET /version` (Docker's shape; GoVersion names the Node.js runtime). */
export function toVersion(facts: SystemFacts): WireVersion {
  const common = {
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: facts.gitCommit ?? '',
    GoVersion: `node${process.versions.node}`,
    Os: facts.host.osType,
    Arch: goArch(process.arch),
    KernelVersion: facts.host.kernelVersion,
    BuildTime: facts.buildTime ?? '',
  };
  const details = { ...common, Experimental: 'false' };
  return {
    Platform: { Name: 'wharf' },
    Components: [{ Name: 'Engine', Version: facts.version, Details: details as unknown as Record<string, never> }],
    Version: facts.version,
    ...common,
  };
}

function runtimesOf(facts: SystemFacts): WireInfo['Runtimes'] {
  const runtimes = facts.runtimes ?? { runc: { path: 'runc' } };
  return Object.fromEntries(
    Object.entries(runtimes).map(([name, r]) => [name, r.runtimeArgs === undefined ? { path: r.path } : { path: r.path, runtimeArgs: [...r.runtimeArgs] }]),
  );
}

function registryConfig(facts: SystemFacts): NonNullable<WireInfo['RegistryConfig']> {
  const mirrors = [...(facts.registryMirrors ?? [])];
  return {
    InsecureRegistryCIDRs: [...(facts.insecureRegistries ?? ['::1/128', '127.0.0.0/8'])],
    IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: mirrors, Secure: true, Official: true } },
    Mirrors: mirrors,
  };
}

/** toInfo translates `GET /info` with the fields docker clients read. */
export function toInfo(info: SystemInfo, apiVersion: string): WireInfo & Record<string, unknown> {
  const f = info.facts;
  const c = info.containers;
  const wire: WireInfo & Record<string, unknown> = {
    ID: info.engineId,
    Containers: c.running + c.paused + c.stopped,
    ContainersRunning: c.running,
    ContainersPaused: c.paused,
    ContainersStopped: c.stopped,
    Images: info.images,
    Driver: GRAPH_DRIVER,
    DriverStatus: [],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null as unknown as string[], Log: [f.loggingDriver ?? 'json-file'] },
    MemoryLimit: true,
    SwapLimit: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: false,
    IPv4Forwarding: true,
    Debug: f.debug ?? false,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: info.now.toISOString(),
    LoggingDriver: f.loggingDriver ?? 'json-file',
    CgroupDriver: f.cgroupDriver ?? 'cgroupfs',
    CgroupVersion: f.host.cgroupVersion,
    NEventsListener: info.eventListeners,
    KernelVersion: f.host.kernelVersion,
    OperatingSystem: f.host.operatingSystem,
    OSVersion: f.host.osVersion,
    OSType: f.host.osType,
    Architecture: f.host.architecture,
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: registryConfig(f),
    NCPU: f.host.ncpu,
    MemTotal: f.host.memTotal,
    GenericResources: null as unknown as undefined,
    DockerRootDir: f.dataRoot,
    HttpProxy: f.httpProxy ?? '',
    HttpsProxy: f.httpsProxy ?? '',
    NoProxy: f.noProxy ?? '',
    Name: f.host.hostname,
    Labels: [...(f.labels ?? [])],
    ExperimentalBuild: false,
    ServerVersion: f.version,
    Runtimes: runtimesOf(f),
    DefaultRuntime: f.defaultRuntime ?? 'runc',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: '',
    ContainerdCommit: { ID: '' },
    RuncCommit: { ID: '' },
    InitCommit: { ID: '' },
    SecurityOptions: [...(f.securityOptions ?? [])],
    Warnings: [...info.warnings],
  };
  // compat: fields dockerd still sends to older clients (moby system_routes.go getInfo).
  if (compareApiVersions(apiVersion, '1.50') < 0) {
    wire['BridgeNfIptables'] = false;
    wire['BridgeNfIp6tables'] = false;
  }
  return wire;
}

/** toDiskUsage translates `GET /system/df`; types not asked for are left out. */
export function toDiskUsage(du: DiskUsage, apiVersion: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (du.layersSize !== undefined) out['LayersSize'] = du.layersSize;
  if (du.images !== undefined) out['Images'] = du.images.map((s) => toImageSummary(s, { apiVersion, withContainers: true }));
  if (du.containers !== undefined) out['Containers'] = [...du.containers];
  if (du.volumes !== undefined) out['Volumes'] = [...du.volumes];
  if (du.buildCache !== undefined) out['BuildCache'] = [...du.buildCache];
  return out;
}
