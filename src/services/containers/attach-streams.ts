import type { ContainerMetrics } from '../../core/metrics/container-metrics.js';
import type { StreamDeps } from './attach-deps.js';
import { AttachService, type AttachApi } from './attach.js';
import type { ContainerLifecycleListener } from './engine-context.js';
import { ExecService, type ExecApi } from './exec.js';
import { HealthChecker, type HealthClock } from './health.js';
import { StatsService, type StatsApi } from './stats.js';
import { TopService, type TopApi } from './top.js';

/** ContainerStreamsDeps is what the interactive container services are built from. */
export interface ContainerStreamsDeps extends StreamDeps {
  /** The host's view of cgroups and /proc (os/cgroups CgroupMetrics in the daemon). */
  readonly metrics: ContainerMetrics;
  /** The daemon's capabilities (ContainerHost.spec.capabilities), for `exec --privileged`. */
  readonly allCapabilities: readonly string[];
  /** Kills a host pid (process.kill in the daemon): ends health probes that overrun their timeout. */
  readonly killProcess?: (pid: number, signal: number) => void;
  readonly clock?: HealthClock;
}

/** ContainerStreamsApi is what the attach, resize, exec, top and stats routes call. */
export interface ContainerStreamsApi {
  readonly attach: AttachApi;
  readonly execs: ExecApi;
  readonly top: TopApi;
  readonly stats: StatsApi;
}

/** ContainerStreams are the services behind attach, exec, resize, top, stats and health checks. */
export interface ContainerStreams extends ContainerStreamsApi {
  readonly health: HealthChecker;
  /** execIds lists a container's running exec sessions (inspect's ExecIDs). */
  execIds(containerId: string): string[];
  /**
   * listeners must be added to the container lifecycle's listener set (EngineContext.listeners): attach
   * connects waiting clients in `created`; health checks start in `started` (also for containers re-adopted at
   * daemon start-up) and stop in `exited`; execs and waiting attaches go in `removed`.
   */
  readonly listeners: readonly ContainerLifecycleListener[];
  /** close stops the timers (exec clean-up, health checks) at daemon shutdown. */
  close(): void;
}

/**
 * buildContainerStreams assembles the interactive container services over the container store and runtime:
 *
 * ```ts
 * const streams = buildContainerStreams({ store, runtime, events, log, metrics: new CgroupMetrics(),
 *   allCapabilities: host.spec.capabilities, killProcess: (pid, sig) => process.kill(pid, sig) });
 * for (const l of streams.listeners) ctx.listeners.add(l);
 * ```
 */
export function buildContainerStreams(deps: ContainerStreamsDeps): ContainerStreams {
  const attach = new AttachService(deps);
  const execs = new ExecService(deps);
  const health = new HealthChecker({
    store: deps.store,
    events: deps.events,
    log: deps.log,
    runProbe: (record, argv, timeoutNs, signal) => execs.probe(record, argv, timeoutNs, signal),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  const metricsDeps = { store: deps.store, metrics: deps.metrics, events: deps.events };
  execs.store.startSweeping();
  // Containers re-adopted before these services existed (live restore at daemon start) get their checks now.
  for (const record of deps.store.list()) {
    if (record.state.status === 'running') void health.start(record);
  }
  return {
    attach,
    execs,
    top: new TopService(metricsDeps),
    stats: new StatsService(metricsDeps),
    health,
    execIds: (containerId) => execs.store.ofContainer(containerId).filter((e) => e.running).map((e) => e.id),
    listeners: [attach.listener, execs.listener, health.listener],
    close: () => {
      execs.store.stopSweeping();
      health.stopAll();
    },
  };
}
