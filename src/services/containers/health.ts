import { healthProbeOf, type HealthProbe } from '../../core/container/healthcheck.js';
import { publishContainerEvent, type StreamDeps } from './attach-deps.js';
import type { ContainerRecord, HealthLogEntry, HealthState } from './container-record.js';
import type { ContainerLifecycleListener } from './engine-context.js';
import type { ProbeResult } from './health-probe.js';
import { applyProbeResult, probeDelayMs, startingHealth, stoppedHealth } from './health-state.js';

/** HealthClock is the time source of the health checks (tests drive a fake one). */
export interface HealthClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** SYSTEM_CLOCK is the real clock; its timers do not keep the daemon alive. */
export const SYSTEM_CLOCK: HealthClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** RunProbe runs one check in a container (runProbe over the exec service, in the daemon). */
export type RunProbe = (record: ContainerRecord, argv: readonly string[], timeoutNs: number, signal: AbortSignal) => Promise<ProbeResult>;

/** HealthDeps is what the health checks use. */
export interface HealthDeps {
  readonly store: StreamDeps['store'];
  readonly events: StreamDeps['events'];
  readonly log: StreamDeps['log'];
  readonly runProbe: RunProbe;
  readonly clock?: HealthClock;
}

interface Monitor {
  readonly probe: HealthProbe;
  readonly startedAtMs: number;
  timer: unknown;
  readonly abort: AbortController;
}

/** healthProbeOfRecord is the probe a container runs: its merged HEALTHCHECK, with its Config.Shell for CMD-SHELL. */
export function healthProbeOfRecord(record: ContainerRecord): HealthProbe | undefined {
  return healthProbeOf(record.config.healthcheck, record.spec.shell.length > 0 ? record.spec.shell : undefined);
}

/**
 * HealthChecker runs each running container's health check on its schedule (moby's health monitor): one timer per
 * container, started when the container starts (or is re-adopted after a daemon restart) and stopped when it
 * exits. Results go into State.Health of the record (status, failing streak, last five results) and a status
 * change publishes `health_status: <status>`. A paused container is not probed (its exec could not run).
 */
export class HealthChecker {
  readonly #deps: HealthDeps;
  readonly #clock: HealthClock;
  readonly #monitors = new Map<string, Monitor>();

  constructor(deps: HealthDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? SYSTEM_CLOCK;
  }

  /** listener is the lifecycle hook: start checks on `started`, stop them on `exited` and `removed`. */
  get listener(): ContainerLifecycleListener {
    return {
      started: (record) => void this.start(record),
      exited: (record) => void this.stop(record.id, true),
      removed: (record) => void this.stop(record.id, false),
    };
  }

  /** active tells whether container `id` has a running health monitor. */
  active(id: string): boolean {
    return this.#monitors.has(id);
  }

  /** start (re)starts the checks of a running container: health "starting", first probe after the interval. */
  async start(record: ContainerRecord): Promise<void> {
    const stopping = this.stop(record.id, false);
    const probe = healthProbeOfRecord(record);
    if (probe === undefined) return stopping;
    const startedAtMs = Date.parse(record.state.startedAt);
    const monitor: Monitor = { probe, startedAtMs: Number.isNaN(startedAtMs) ? this.#clock.now() : startedAtMs, timer: undefined, abort: new AbortController() };
    this.#monitors.set(record.id, monitor);
    // The record is updated first thing (no await before it), so `ps` right after the start shows "health: starting".
    const written = this.#setHealth(record.id, (h) => startingHealth(h));
    this.#schedule(record.id, monitor, 'starting');
    await Promise.all([stopping, written]);
  }

  /** stop ends a container's checks; with `markStopped` its health becomes unhealthy, as moby's monitor close does. */
  async stop(id: string, markStopped: boolean): Promise<void> {
    const monitor = this.#monitors.get(id);
    if (monitor === undefined) return;
    this.#monitors.delete(id);
    this.#clock.clearTimeout(monitor.timer);
    monitor.abort.abort();
    if (markStopped) await this.#setHealth(id, (h) => (h === undefined ? undefined : stoppedHealth(h)));
  }

  /** stopAll ends every check (daemon shutdown); the health states stay as they are. */
  stopAll(): void {
    for (const id of [...this.#monitors.keys()]) void this.stop(id, false);
  }

  #schedule(id: string, monitor: Monitor, status: HealthState['status']): void {
    const delay = probeDelayMs(monitor.probe, status, this.#clock.now() - monitor.startedAtMs);
    monitor.timer = this.#clock.setTimeout(() => void this.#runOnce(id, monitor), delay);
  }

  async #runOnce(id: string, monitor: Monitor): Promise<void> {
    if (this.#monitors.get(id) !== monitor) return;
    const record = this.#deps.store.byId(id);
    if (record === undefined || (record.state.status !== 'running' && record.state.status !== 'paused')) {
      await this.stop(id, false);
      return;
    }
    if (record.state.status === 'paused') {
      this.#schedule(id, monitor, record.state.health?.status ?? 'starting');
      return;
    }
    const start = new Date(this.#clock.now());
    let result: ProbeResult;
    try {
      result = await this.#deps.runProbe(record, monitor.probe.argv, monitor.probe.timeout, monitor.abort.signal);
    } catch (err) {
      this.#deps.log.warn({ err, containerId: id }, 'health check failed to run');
      result = { exitCode: -1, output: err instanceof Error ? err.message : String(err) };
    }
    // The container stopped (or restarted) while probing: the result belongs to nobody.
    if (this.#monitors.get(id) !== monitor) return;
    const entry: HealthLogEntry = { start: start.toISOString(), end: new Date(this.#clock.now()).toISOString(), exitCode: result.exitCode, output: result.output };
    const updated = await this.#setHealth(id, (h) => applyProbeResult(h ?? startingHealth(), entry, monitor.probe, monitor.startedAtMs), true);
    if (this.#monitors.get(id) === monitor) this.#schedule(id, monitor, updated?.status ?? 'starting');
  }

  /**
   * setHealth writes a new State.Health; with `announce` (a probe result) a changed status publishes
   * health_status, as moby's handleProbeResult. compat: resetting to starting and the unhealthy of a stopped
   * monitor are silent in Docker too.
   */
  async #setHealth(id: string, fn: (h: HealthState | undefined) => HealthState | undefined, announce = false): Promise<HealthState | undefined> {
    let before: HealthState | undefined;
    let after: HealthState | undefined;
    try {
      const record = await this.#deps.store.update(id, (r) => {
        before = r.state.health;
        after = fn(before);
        if (after === before) return r;
        const { health: _h, ...rest } = r.state;
        return { ...r, state: after === undefined ? rest : { ...rest, health: after } };
      });
      if (announce && after !== undefined && after.status !== before?.status) {
        publishContainerEvent(this.#deps, record, `health_status: ${after.status}`);
      }
    } catch (err) {
      this.#deps.log.warn({ err, containerId: id }, 'recording the health state failed');
    }
    return after;
  }
}
