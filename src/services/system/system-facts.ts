import type { HostFacts } from './host-facts.js';

/** RuntimeFacts names an OCI runtime as `docker info` lists it. */
export interface RuntimeFacts {
  readonly path: string;
  readonly runtimeArgs?: readonly string[];
}

/**
 * SystemFacts are what the daemon knows about itself and its host, handed to the system use-cases once at
 * start-up (version, info). Optional fields have the defaults documented on each.
 */
export interface SystemFacts {
  /** wharf's version (package.json). */
  readonly version: string;
  readonly gitCommit?: string;
  /** RFC 3339 time the build was made, when known. */
  readonly buildTime?: string;
  /** The data root (`DockerRootDir`). */
  readonly dataRoot: string;
  /** A stable ID of this daemon (`ID`); by default derived from host name and data root. */
  readonly engineId?: string;
  readonly host: HostFacts;
  /** Default `{ runc: { path: 'runc' } }`. */
  readonly runtimes?: Readonly<Record<string, RuntimeFacts>>;
  /** Default `runc`. */
  readonly defaultRuntime?: string;
  /** Default `cgroupfs`. */
  readonly cgroupDriver?: 'cgroupfs' | 'systemd' | 'none';
  /** Default `json-file`. */
  readonly loggingDriver?: string;
  /** e.g. `name=seccomp,profile=builtin`; default none. */
  readonly securityOptions?: readonly string[];
  readonly debug?: boolean;
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy?: string;
  readonly registryMirrors?: readonly string[];
  /** Default `['::1/128', '127.0.0.0/8']`, as dockerd. */
  readonly insecureRegistries?: readonly string[];
  readonly labels?: readonly string[];
}
