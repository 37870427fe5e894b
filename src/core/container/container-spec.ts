/**
 * ContainerSpec is the validated, camelCase domain form of a Docker `POST /containers/create` body (its Config and
 * HostConfig halves). It is what the container service stores and what buildSpec turns into an OCI config.json.
 *
 * Conventions: every field is present (zero values where the request had nothing), except where "absent" means
 * something different from an empty value (`cmd`, `entrypoint`, `init`, `pidsLimit`, ...). Values are as the
 * request gave them after Docker's normalisation (capabilities as "CAP_X", restart policy "" as "no", PidsLimit
 * <= 0 as absent, ...); merging with the image config happens later (process-args.ts), because the image can
 * change between create and start only through an explicit re-create.
 */
export interface ContainerSpec {
  /** The image reference as the client gave it (resolved by the service, not here). */
  readonly image: string;
  /** Config.Hostname; "" means the default (short container ID, or the host's name on the host network). */
  readonly hostname: string;
  readonly domainname: string;
  /** Config.User; "" means the image's USER. */
  readonly user: string;
  readonly attachStdin: boolean;
  readonly attachStdout: boolean;
  readonly attachStderr: boolean;
  readonly tty: boolean;
  readonly openStdin: boolean;
  readonly stdinOnce: boolean;
  /** The container's own Env entries ("K=V", or "K" to unset), merged over the image's later. */
  readonly env: readonly string[];
  /** Config.Cmd; undefined when absent or null. */
  readonly cmd?: readonly string[];
  /** Config.Entrypoint; undefined when absent or null, [] or [""] when the client cleared it (`--entrypoint ""`). */
  readonly entrypoint?: readonly string[];
  /** Config.WorkingDir, cleaned; "" means the image's WORKDIR. */
  readonly workingDir: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Config.StopSignal as given (validated); undefined means the image's, else SIGTERM. */
  readonly stopSignal?: string;
  /** Config.StopTimeout in seconds; undefined means the daemon default (10 s); -1 waits forever. */
  readonly stopTimeout?: number;
  /** Config.Healthcheck as given (durations in ns, 0 = inherit from the image). */
  readonly healthcheck?: HealthcheckSpec;
  /** Config.ExposedPorts keys, normalised to "port/proto" ("80/tcp"). */
  readonly exposedPorts: readonly string[];
  readonly argsEscaped: boolean;
  /** Config.Shell: the shell of CMD-SHELL health checks; [] means /bin/sh -c. */
  readonly shell: readonly string[];
  readonly mounts: readonly MountSpec[];
  readonly security: SecuritySpec;
  /** HostConfig.Init; undefined means the daemon default (off). */
  readonly init?: boolean;
  readonly restartPolicy: RestartPolicy;
  readonly autoRemove: boolean;
  readonly resources: ResourcesSpec;
  /** HostConfig.OomScoreAdj, -1000..1000. */
  readonly oomScoreAdj: number;
  /** Size of /dev/shm in bytes (HostConfig.ShmSize, default 64 MiB). */
  readonly shmSize: number;
  readonly logConfig: LogSpec;
  readonly network: NetworkSpec;
  readonly ipcMode: 'private' | 'shareable' | 'host' | 'none';
  readonly pidMode: 'private' | 'host';
  readonly utsMode: 'private' | 'host';
  /** "" means the daemon default: private on cgroup v2, host on cgroup v1 (Docker's rule). */
  readonly cgroupnsMode: 'private' | 'host' | '';
  readonly sysctls: Readonly<Record<string, string>>;
  /** HostConfig.GroupAdd: extra group names or IDs, resolved against the container's /etc/group at start. */
  readonly groupAdd: readonly string[];
  readonly annotations: Readonly<Record<string, string>>;
  /** HostConfig.ConsoleSize [height, width] for a TTY, when the client gave a non-zero one. */
  readonly consoleSize?: readonly [number, number];
  /**
   * Warnings for the create response (`Warnings`), in Docker's words: options accepted but without effect here.
   * Not part of the container's configuration; the service returns them and need not store them.
   */
  readonly warnings: readonly string[];
}

/** HealthcheckSpec is a health check as Docker stores it: durations in nanoseconds, 0 meaning "inherit/default". */
export interface HealthcheckSpec {
  /** [] inherit, ["NONE"] disabled, ["CMD", arg...] exec, ["CMD-SHELL", command] via /bin/sh -c. */
  readonly test: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  readonly retries: number;
}

/** Propagation is a bind mount's propagation mode (mount(2) MS_SHARED/MS_SLAVE/MS_PRIVATE, r = recursive). */
export type Propagation = 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave';

/** BindMountSpec is a host path bind-mounted into the container (from HostConfig.Binds or Mounts type=bind). */
export interface BindMountSpec {
  readonly type: 'bind';
  /** Absolute, cleaned host path. */
  readonly source: string;
  /** Absolute, cleaned container path, never "/". */
  readonly destination: string;
  readonly readOnly: boolean;
  readonly propagation: Propagation;
  /** BindOptions.NonRecursive: plain bind instead of rbind. */
  readonly nonRecursive: boolean;
  /** Read-only only at the top mount (API < 1.44 default), instead of recursively read-only. */
  readonly readOnlyNonRecursive: boolean;
  /** Fail rather than fall back if recursive read-only is impossible. */
  readonly readOnlyForceRecursive: boolean;
  /** Create the host path if missing (Binds always do, Mounts only with CreateMountpoint). */
  readonly createHostPath: boolean;
}

/** TmpfsMountSpec is a tmpfs at a container path (from HostConfig.Tmpfs or Mounts type=tmpfs). */
export interface TmpfsMountSpec {
  readonly type: 'tmpfs';
  readonly destination: string;
  /** mount(8) options from the request, e.g. ["size=64m", "mode=1777", "exec"] (defaults are added by the OCI layer). */
  readonly options: readonly string[];
}

/** MountSpec is one user-requested mount. Volumes (named or anonymous) come with the volumes milestone. */
export type MountSpec = BindMountSpec | TmpfsMountSpec;

/** SeccompChoice is the seccomp profile to apply: Docker's default, none, or a client-supplied JSON profile. */
export type SeccompChoice =
  | { readonly kind: 'default' }
  | { readonly kind: 'unconfined' }
  | { readonly kind: 'custom'; readonly profile: string };

/** SecuritySpec gathers the privilege settings of a container. */
export interface SecuritySpec {
  readonly privileged: boolean;
  readonly readonlyRootfs: boolean;
  /** Normalised "CAP_X" names, or "ALL". */
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly noNewPrivileges: boolean;
  readonly seccomp: SeccompChoice;
  /** HostConfig.MaskedPaths / ReadonlyPaths when given: they replace the default lists. */
  readonly maskedPaths?: readonly string[];
  readonly readonlyPaths?: readonly string[];
  /** `--security-opt writable-cgroups[=bool]`; undefined means "as privileged". */
  readonly writableCgroups?: boolean;
}

/** RestartPolicy is HostConfig.RestartPolicy with "" normalised to "no". */
export interface RestartPolicy {
  readonly name: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  readonly maximumRetryCount: number;
}

/** Ulimit is one rlimit (`--ulimit nofile=1024:2048`); name is lower-case without RLIMIT_. */
export interface Ulimit {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

/** DeviceMapping is one `--device host[:container[:perms]]`. */
export interface DeviceMapping {
  readonly pathOnHost: string;
  readonly pathInContainer: string;
  /** Some of "rwm". */
  readonly cgroupPermissions: string;
}

/** ResourcesSpec holds the cgroup limits of HostConfig (0 / absent = unlimited). */
export interface ResourcesSpec {
  /** Memory limit in bytes. */
  readonly memory: number;
  /** Memory + swap limit in bytes; -1 unlimited swap; 0 unset (becomes 2 x memory when memory is set). */
  readonly memorySwap: number;
  readonly memoryReservation: number;
  readonly memorySwappiness?: number;
  readonly oomKillDisable?: boolean;
  /** CPU quota in 1e-9 CPUs (`--cpus 1.5` = 1500000000). */
  readonly nanoCpus: number;
  readonly cpuShares: number;
  /** CFS period and quota in microseconds. */
  readonly cpuPeriod: number;
  readonly cpuQuota: number;
  readonly cpusetCpus: string;
  readonly cpusetMems: string;
  /** Maximum number of tasks; absent = unlimited. */
  readonly pidsLimit?: number;
  readonly blkioWeight: number;
  readonly ulimits: readonly Ulimit[];
  readonly devices: readonly DeviceMapping[];
  /** `--device-cgroup-rule` entries ("c 1:3 rwm", "b *:* m"). */
  readonly deviceCgroupRules: readonly string[];
  /** HostConfig.CgroupParent; "" means wharf's default parent. */
  readonly cgroupParent: string;
}

/** LogSpec is the container's logging: conmon writes k8s-file logs for every file-based Docker driver. */
export interface LogSpec {
  readonly driver: 'k8s-file' | 'none';
  /** The LogConfig.Type the client asked for ("json-file", "local", "" ...), for inspect. */
  readonly requestedType: string;
  /** max-size in bytes (rotate when reached); absent = unbounded. */
  readonly maxSize?: number;
  /** max-file: number of files kept (>= 1); absent = 1. */
  readonly maxFile?: number;
  /** LogConfig.Config as given, for inspect. */
  readonly options: Readonly<Record<string, string>>;
}

/** PortBinding is one host side of a published port ("" host IP = all, "" host port = ephemeral). */
export interface PortBinding {
  readonly hostIp: string;
  readonly hostPort: string;
}

/** ExtraHost is one `--add-host name:ip` line for /etc/hosts. */
export interface ExtraHost {
  readonly name: string;
  readonly ip: string;
}

/** NetworkSpec is the container's network setup and the inputs of its /etc/hosts and /etc/resolv.conf. */
export interface NetworkSpec {
  /**
   * "bridge" (the default network; for now an own network namespace with only loopback), "none" (own namespace,
   * loopback only) or "host" (the host's namespace).
   */
  readonly mode: 'bridge' | 'none' | 'host';
  /** Config.NetworkDisabled: like "none" for the namespace. */
  readonly disabled: boolean;
  /** HostConfig.PortBindings by "port/proto"; kept for the networks milestone. */
  readonly portBindings: Readonly<Record<string, readonly PortBinding[]>>;
  readonly publishAllPorts: boolean;
  readonly dns: readonly string[];
  readonly dnsSearch: readonly string[];
  readonly dnsOptions: readonly string[];
  readonly extraHosts: readonly ExtraHost[];
}
