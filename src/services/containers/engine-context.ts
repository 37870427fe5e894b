import type { ExitInfo } from '../../core/runtime/container-runtime.js';
import type { LogRotation } from '../../core/logs/log-rotation.js';
import type { ContainerDeps } from './container-deps.js';
import type { ContainerRecord } from './container-record.js';
import type { ExitWaiters } from './exit-waiters.js';
import type { RestartScheduler } from './restart-policy.js';
import type { RootfsMounts } from './rootfs.js';

/**
 * ContainerLifecycleListener hears a container's lifecycle, for the parts that live beside it (attach, health
 * checks, stats). Every method is optional; a listener that throws is logged, never the lifecycle's problem,
 * except `created`, whose failure fails the start.
 */
export interface ContainerLifecycleListener {
  /**
   * created: the runtime has the container (its monitor runs, the process has not started the user's command).
   * Awaited before the process starts: attach clients waiting for a `docker run` connect here to miss no output.
   */
  created?(record: ContainerRecord): Promise<void>;
  /** started: the process runs (also after a policy restart, and for a container re-adopted at start-up). */
  started?(record: ContainerRecord): void;
  /** exited: the process ended; `record` is already in its exited (or restarting) state. */
  exited?(record: ContainerRecord, exit: ExitInfo): void;
  /** removed: the container is gone. */
  removed?(record: ContainerRecord): void;
}

/**
 * EngineContext is the shared state of the container use-cases: the injected deps plus the daemon-lifetime
 * helpers (root mounts, exit waiters, policy restarts, in-flight starts, lifecycle listeners, log rotations).
 */
export interface EngineContext extends ContainerDeps {
  readonly rootfs: RootfsMounts;
  readonly waiters: ExitWaiters;
  readonly restarts: RestartScheduler;
  /** Starts in flight by container ID, so a concurrent start or rm waits for one instead of racing it. */
  readonly starting: Map<string, Promise<void>>;
  readonly listeners: Set<ContainerLifecycleListener>;
  readonly rotations: Map<string, LogRotation>;
  /** True once the daemon is shutting down: exits seen then do not trigger restarts or auto-removal. */
  readonly closing: { value: boolean };
}

/** notifyListeners calls one lifecycle method on every listener, logging (not throwing) failures. */
export function notifyListeners(ctx: EngineContext, fn: (l: ContainerLifecycleListener) => void): void {
  for (const l of ctx.listeners) {
    try {
      fn(l);
    } catch (err) {
      ctx.log.warn({ err }, 'container lifecycle listener failed');
    }
  }
}
