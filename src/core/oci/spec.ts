// The subset of the OCI runtime spec (opencontainers/runtime-spec config.md and config-linux.md, v1.0.2 as runc
// 1.1 reads it) that wharf writes. Field names are the JSON names, so an OciSpec serialises to config.json as is.

/** OCI_VERSION is the runtime-spec version written into config.json (what runc 1.1 implements). */
export const OCI_VERSION = '1.0.2-dev';

/** OciSpec is a container's OCI runtime configuration: what runc reads from config.json. */
export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  domainname?: string;
  mounts: OciMount[];
  annotations?: Record<string, string>;
  linux: OciLinux;
}

/** OciProcess is the container's init process. */
export interface OciProcess {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; umask?: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
}

/** OciCapabilities are the five capability sets of the init process. */
export interface OciCapabilities {
  bounding: string[];
  effective: string[];
  inheritable: string[];
  permitted: string[];
  ambient: string[];
}

/** OciRlimit is one setrlimit(2) call ("RLIMIT_NOFILE"). */
export interface OciRlimit {
  type: string;
  hard: number;
  soft: number;
}

/** OciMount is one mount in the container, in the order runc performs them. */
export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/** OciNamespace is a namespace to create (no path) or join (path). */
export interface OciNamespace {
  type: 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';
  path?: string;
}

/** OciDevice is a device node runc creates in the container's /dev. */
export interface OciDevice {
  path: string;
  type: 'c' | 'b' | 'u' | 'p';
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

/** OciDeviceRule is one entry of the device cgroup allow/deny list. */
export interface OciDeviceRule {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

/** OciResources are the cgroup settings (cgroup v1 semantics; runc converts them for v2). */
export interface OciResources {
  devices: OciDeviceRule[];
  memory?: {
    limit?: number;
    reservation?: number;
    swap?: number;
    swappiness?: number;
    disableOOMKiller?: boolean;
  };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
  blockIO?: { weight?: number };
}

/** SeccompArg is one argument comparison of a seccomp rule. */
export interface SeccompArg {
  readonly index: number;
  readonly value: number;
  readonly valueTwo?: number;
  readonly op: string;
}

/** LinuxSyscall is one rule of the OCI seccomp filter. */
export interface LinuxSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: SeccompArg[];
}

/** LinuxSeccomp is the OCI `linux.seccomp` object. */
export interface LinuxSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls: LinuxSyscall[];
}

/** OciLinux is the Linux-specific part of the spec. */
export interface OciLinux {
  namespaces: OciNamespace[];
  devices: OciDevice[];
  resources: OciResources;
  cgroupsPath?: string;
  sysctl?: Record<string, string>;
  seccomp?: LinuxSeccomp;
  rootfsPropagation?: string;
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

/** RLIM_INFINITY_JSON is RLIM_INFINITY as config.json needs it: a uint64 that a JS number cannot carry exactly. */
export const RLIM_INFINITY_JSON = '18446744073709551615';

const RLIM_SENTINEL = '\u0000wharf:RLIM_INFINITY';

/**
 * serializeSpec renders an OciSpec as config.json text. Use it rather than JSON.stringify: rlimits of -1 (Docker's
 * "unlimited", `--ulimit core=-1`) must become the exact uint64 RLIM_INFINITY.
 */
export function serializeSpec(spec: OciSpec): string {
  const copy = structuredClone(spec);
  const rlimits = (copy.process.rlimits ?? []) as { hard: number | string; soft: number | string }[];
  for (const r of rlimits) {
    if (r.hard === -1) r.hard = RLIM_SENTINEL;
    if (r.soft === -1) r.soft = RLIM_SENTINEL;
  }
  return `${JSON.stringify(copy, null, 2).replaceAll(JSON.stringify(RLIM_SENTINEL), RLIM_INFINITY_JSON)}\n`;
}
