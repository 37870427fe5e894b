import type { Digest } from '../../common/digest.js';
import type { ContainerSpec } from '../../core/container/container-spec.js';
import type { MergedConfig } from '../../core/container/process-args.js';

/**
 * ContainerStatus is a container's state as Docker names it (State.Status in inspect, `status` filter values).
 * `removing` is persisted so that a removal interrupted by a crash is finished at the next start-up; `dead` is a
 * container whose removal failed half-way (only `rm` may touch it).
 */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** CONTAINER_STATUSES lists every ContainerStatus, in Docker's order. */
export const CONTAINER_STATUSES: readonly ContainerStatus[] = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/** ZERO_TIME is Go's zero time as Docker prints it: StartedAt/FinishedAt of a container that never ran. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** HealthStatus is a container's health as Docker reports it (`none` only in filters and without a check). */
export type HealthStatus = 'starting' | 'healthy' | 'unhealthy' | 'none';

/** HealthLogEntry is one probe result (Docker's HealthcheckResult); times are RFC 3339. */
export interface HealthLogEntry {
  readonly start: string;
  readonly end: string;
  readonly exitCode: number;
  readonly output: string;
}

/** HealthState is State.Health: written by the health checker while the container runs. */
export interface HealthState {
  readonly status: HealthStatus;
  readonly failingStreak: number;
  /** The last probe results, oldest first (Docker keeps 5). */
  readonly log: readonly HealthLogEntry[];
}

/**
 * ContainerState is the persisted run state of a container (Docker's State). Times are RFC 3339 strings, ZERO_TIME
 * when unset. `pid` is the init process's host pid while running or paused, else 0.
 */
export interface ContainerState {
  readonly status: ContainerStatus;
  readonly pid: number;
  readonly exitCode: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly oomKilled: boolean;
  /** The last start failure's message ("" when the last start succeeded). */
  readonly error: string;
  /** Restarts done by the restart policy since the last manual start. */
  readonly restartCount: number;
  /** Present while a health check runs (or ran during the last run). */
  readonly health?: HealthState;
}

/**
 * ContainerPaths are where a container's files live: under the data root (its own directory) and under the exec
 * root (the runtime bundle, whose rootfs is the overlay mount point). Computed once at create and stored, so a
 * record is self-describing.
 */
export interface ContainerPaths {
  /** The OCI bundle directory (ContainerRuntime.bundleDir). */
  readonly bundle: string;
  /** The root filesystem mount point, `<bundle>/rootfs` (GraphDriver MergedDir). */
  readonly rootfs: string;
  /** The container's own writable layer (GraphDriver UpperDir) and overlayfs's work directory. */
  readonly upper: string;
  readonly work: string;
  /** The k8s-file log conmon writes; "" with `--log-driver none`. */
  readonly logPath: string;
  readonly hostnamePath: string;
  readonly hostsPath: string;
  readonly resolvConfPath: string;
}

/** StoredSpec is the validated create request as a record keeps it (the create-time warnings are not kept). */
export type StoredSpec = Omit<ContainerSpec, 'warnings'>;

/**
 * ContainerRecord is everything wharf persists about one container (`<data-root>/containers/<id>/config.v2.json`,
 * Docker's config.v2.json). Records are immutable values: every change goes through ContainerStore.update, which
 * writes the new record atomically before the in-memory copy changes.
 */
export interface ContainerRecord {
  /** Format version of the record file. */
  readonly version: 1;
  /** 64 lowercase hex digits. */
  readonly id: string;
  /** The name without Docker's leading "/" (inspect and the API show it as "/<name>"). */
  readonly name: string;
  /** Creation time, RFC 3339. */
  readonly created: string;
  /** The image as the client named it (Config.Image in inspect). */
  readonly image: string;
  /** The image's ID, `sha256:<hex>` (Image in inspect). */
  readonly imageId: Digest;
  /** The image's platform, "linux/amd64" (a create `platform` parameter is checked against it). */
  readonly platform: string;
  readonly spec: StoredSpec;
  /**
   * The request's HostConfig object as the client sent it (after validation), which inspect echoes back with
   * Docker's defaults filled in; the limits and restart policy `update` changes are in `spec` and win over it.
   */
  readonly hostConfig: Readonly<Record<string, unknown>>;
  /** The request merged with the image config (Path, Args and Config of inspect). */
  readonly config: MergedConfig;
  /** The hostname the container gets (its own, the host's with --network host, else the short ID). */
  readonly hostname: string;
  readonly state: ContainerState;
  readonly paths: ContainerPaths;
  /**
   * Set by stop and kill through the API, cleared by a manual start: the restart policy leaves such a container
   * alone (and `unless-stopped` keeps it stopped across daemon restarts).
   */
  readonly manuallyStopped: boolean;
}

/** initialState is the state of a container that was just created. */
export function initialState(): ContainerState {
  return {
    status: 'created',
    pid: 0,
    exitCode: 0,
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
    oomKilled: false,
    error: '',
    restartCount: 0,
  };
}

/** isActive tells whether the container's process exists (running or paused; restarting has none yet). */
export function isActive(record: Pick<ContainerRecord, 'state'>): boolean {
  return record.state.status === 'running' || record.state.status === 'paused';
}

/** displayName is the name as the Engine API shows it, with Docker's leading slash. */
export function displayName(record: Pick<ContainerRecord, 'name'>): string {
  return `/${record.name}`;
}

/** eventAttributes are the attributes Docker puts on every container event: the labels, name and image. */
export function eventAttributes(record: ContainerRecord, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...record.config.labels, image: record.image, name: record.name, ...extra };
}
