import type { Ulimit } from '../container/container-spec.js';
import type { LinuxSeccomp, OciNamespace, OciSpec } from './spec.js';

/**
 * SpecOpt is one step of building a config.json (containerd pkg/oci SpecOpts): it changes one aspect of the
 * working spec that composeSpec hands it. SpecOpts do no I/O and depend only on their arguments, so a spec is a
 * pure function of its inputs and unit tests assert on the result.
 */
export type SpecOpt = (spec: OciSpec) => void;

/** composeSpec applies SpecOpts in order to a deep copy of `base` (which is never modified) and returns it. */
export function composeSpec(base: OciSpec, ...opts: readonly SpecOpt[]): OciSpec {
  const spec = structuredClone(base);
  for (const opt of opts) opt(spec);
  return spec;
}

/** withProcessArgs sets the argv of the container's init process. */
export const withProcessArgs = (args: readonly string[]): SpecOpt => (s) => {
  s.process.args = [...args];
};

/** withEnv sets the process environment ("K=V" entries, already merged). */
export const withEnv = (env: readonly string[]): SpecOpt => (s) => {
  s.process.env = [...env];
};

/** withCwd sets the working directory (absolute; runc creates it if missing). */
export const withCwd = (cwd: string): SpecOpt => (s) => {
  s.process.cwd = cwd || '/';
};

/** ProcessUser is the numeric identity the init process runs as. */
export interface ProcessUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids: readonly number[];
}

/** withUser sets uid, gid and supplementary gids (Docker lists the primary gid first among them). */
export const withUser = (user: ProcessUser): SpecOpt => (s) => {
  s.process.user = { uid: user.uid, gid: user.gid, additionalGids: [...user.additionalGids] };
};

/** withTerminal allocates a TTY for the process (conmon holds the master), with an initial size if known. */
export const withTerminal = (tty: boolean, consoleSize?: readonly [number, number]): SpecOpt => (s) => {
  s.process.terminal = tty;
  if (tty && consoleSize && consoleSize[0] > 0 && consoleSize[1] > 0) {
    s.process.consoleSize = { height: consoleSize[0], width: consoleSize[1] };
  }
};

/** withHostname sets the UTS hostname and domain name (only meaningful with a private UTS namespace). */
export const withHostname = (hostname: string, domainname = ''): SpecOpt => (s) => {
  if (hostname) s.hostname = hostname;
  if (domainname) s.domainname = domainname;
};

/** withRoot points the spec at the container's root filesystem (an absolute, already mounted path). */
export const withRoot = (rootfsPath: string, readonly: boolean): SpecOpt => (s) => {
  s.root = readonly ? { path: rootfsPath, readonly: true } : { path: rootfsPath };
};

/** setNamespace creates (no path) or joins (path) a namespace, replacing an entry of the same type. */
function setNamespace(s: OciSpec, ns: OciNamespace): void {
  const i = s.linux.namespaces.findIndex((n) => n.type === ns.type);
  if (i >= 0) s.linux.namespaces[i] = ns;
  else s.linux.namespaces.push(ns);
}

function removeNamespace(s: OciSpec, type: OciNamespace['type']): void {
  s.linux.namespaces = s.linux.namespaces.filter((n) => n.type !== type);
}

/** NamespaceModes says, per namespace, whether the container gets its own ("private") or the host's. */
export interface NamespaceModes {
  readonly network: 'private' | 'host' | { readonly path: string };
  readonly ipc: 'private' | 'host';
  readonly pid: 'private' | 'host';
  readonly uts: 'private' | 'host';
  readonly cgroup: 'private' | 'host';
}

/**
 * withNamespaces applies Docker's namespace rules (moby WithNamespaces): "host" removes the namespace so the
 * container shares the host's; a network path joins an existing one (e.g. a netns netavark prepared); a private
 * cgroup namespace is added (Docker's default on cgroup v2). A host UTS namespace also drops the hostname.
 */
export const withNamespaces = (modes: NamespaceModes): SpecOpt => (s) => {
  if (modes.network === 'host') removeNamespace(s, 'network');
  else if (modes.network === 'private') setNamespace(s, { type: 'network' });
  else setNamespace(s, { type: 'network', path: modes.network.path });
  for (const type of ['ipc', 'pid', 'uts'] as const) {
    if (modes[type] === 'host') removeNamespace(s, type);
    else setNamespace(s, { type });
  }
  if (modes.uts === 'host') delete s.hostname;
  if (modes.cgroup === 'private') setNamespace(s, { type: 'cgroup' });
  else removeNamespace(s, 'cgroup');
};

/** withCapabilities sets the bounding, effective and permitted sets; inheritable and ambient stay empty (Docker). */
export const withCapabilities = (caps: readonly string[]): SpecOpt => (s) => {
  s.process.capabilities = {
    bounding: [...caps],
    effective: [...caps],
    inheritable: [],
    permitted: [...caps],
    ambient: [],
  };
};

/** withNoNewPrivileges sets PR_SET_NO_NEW_PRIVS on the init process (`--security-opt no-new-privileges`). */
export const withNoNewPrivileges = (on: boolean): SpecOpt => (s) => {
  if (on) s.process.noNewPrivileges = true;
  else delete s.process.noNewPrivileges;
};

/** withRlimits turns `--ulimit` entries into RLIMIT_* rlimits (Docker sets none by default: they are inherited). */
export const withRlimits = (ulimits: readonly Ulimit[]): SpecOpt => (s) => {
  if (ulimits.length === 0) return;
  s.process.rlimits = ulimits.map((u) => ({ type: `RLIMIT_${u.name.toUpperCase()}`, hard: u.hard, soft: u.soft }));
};

/** withOomScoreAdj sets the init process's oom_score_adj (Docker always writes it, 0 included). */
export const withOomScoreAdj = (score: number): SpecOpt => (s) => {
  s.process.oomScoreAdj = score;
};

/** withSysctls merges namespaced sysctls over those already set (the request's win, as in Docker). */
export const withSysctls = (sysctls: Readonly<Record<string, string>>): SpecOpt => (s) => {
  if (Object.keys(sysctls).length === 0) return;
  s.linux.sysctl = { ...(s.linux.sysctl ?? {}), ...sysctls };
};

/** withCgroupsPath names the container's cgroup (cgroupfs driver: "<parent>/<id>"). */
export const withCgroupsPath = (cgroupsPath: string): SpecOpt => (s) => {
  s.linux.cgroupsPath = cgroupsPath;
};

/** withAnnotations sets OCI annotations (HostConfig.Annotations). */
export const withAnnotations = (annotations: Readonly<Record<string, string>>): SpecOpt => (s) => {
  if (Object.keys(annotations).length > 0) s.annotations = { ...annotations };
};

/** withMaskedPaths replaces the masked paths (HostConfig.MaskedPaths, or [] when privileged). */
export const withMaskedPaths = (paths: readonly string[]): SpecOpt => (s) => {
  s.linux.maskedPaths = [...paths];
};

/** withReadonlyPaths replaces the read-only paths (HostConfig.ReadonlyPaths, or [] when privileged). */
export const withReadonlyPaths = (paths: readonly string[]): SpecOpt => (s) => {
  s.linux.readonlyPaths = [...paths];
};

/** withSeccomp installs a converted seccomp filter, or none (unconfined, privileged) when undefined. */
export const withSeccomp = (seccomp: LinuxSeccomp | undefined): SpecOpt => (s) => {
  if (seccomp) s.linux.seccomp = structuredClone(seccomp);
  else delete s.linux.seccomp;
};
