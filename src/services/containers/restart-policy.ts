import type { RestartPolicy } from '../../core/container/container-spec.js';

/** RESTART_BACKOFF_INITIAL_MS is the first delay before a policy restart (moby restartmanager defaultTimeout). */
export const RESTART_BACKOFF_INITIAL_MS = 100;
/** RESTART_BACKOFF_MAX_MS caps the doubling delay (moby maxRestartTimeout, 1 minute). */
export const RESTART_BACKOFF_MAX_MS = 60_000;
/** RESTART_RESET_AFTER_MS: a run at least this long resets the delay to the initial one. */
export const RESTART_RESET_AFTER_MS = 10_000;

/**
 * shouldRestart decides whether the restart policy restarts a container that just exited, as moby's
 * RestartManager.ShouldRestart: never after a manual stop or kill; `always` and `unless-stopped` always;
 * `on-failure` on a non-zero exit while fewer than MaximumRetryCount restarts were made (0 = no limit).
 */
export function shouldRestart(policy: RestartPolicy, exitCode: number, restartCount: number, manuallyStopped: boolean): boolean {
  if (manuallyStopped) return false;
  switch (policy.name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return exitCode !== 0 && (policy.maximumRetryCount === 0 || restartCount < policy.maximumRetryCount);
    default:
      return false;
  }
}

/**
 * shouldRestartAtBoot decides whether a container that is stopped when the daemon starts is started again (moby
 * restore): `always` even after a manual stop, `unless-stopped` unless manually stopped, `on-failure` only when its
 * last run failed and retries are left. A container that never ran is left alone.
 */
export function shouldRestartAtBoot(policy: RestartPolicy, exitCode: number, restartCount: number, manuallyStopped: boolean, hasRun: boolean): boolean {
  if (!hasRun) return false;
  if (policy.name === 'always') return true;
  return shouldRestart(policy, exitCode, restartCount, manuallyStopped);
}

/**
 * RestartBackoff is one container's delay between policy restarts: 100 ms, doubling up to 1 minute, back to 100 ms
 * after a run of 10 s or more (moby restartmanager).
 */
export class RestartBackoff {
  #timeout = 0;

  /** next returns the delay before the next restart, given how long the last run lasted. */
  next(ranMs: number): number {
    if (ranMs >= RESTART_RESET_AFTER_MS) this.#timeout = 0;
    this.#timeout = this.#timeout === 0 ? RESTART_BACKOFF_INITIAL_MS : Math.min(this.#timeout * 2, RESTART_BACKOFF_MAX_MS);
    return this.#timeout;
  }

  /** reset starts over (a manual start). */
  reset(): void {
    this.#timeout = 0;
  }
}

/** RestartScheduler holds the pending policy restarts (timers) and each container's backoff. */
export class RestartScheduler {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #backoff = new Map<string, RestartBackoff>();

  /** delayFor returns the next backoff delay of a container, given how long its last run lasted. */
  delayFor(id: string, ranMs: number): number {
    let b = this.#backoff.get(id);
    if (b === undefined) {
      b = new RestartBackoff();
      this.#backoff.set(id, b);
    }
    return b.next(ranMs);
  }

  /** schedule runs `fn` after `delayMs` unless cancelled; a pending restart of the same container is replaced. */
  schedule(id: string, delayMs: number, fn: () => void): void {
    this.cancel(id);
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      fn();
    }, delayMs);
    timer.unref();
    this.#timers.set(id, timer);
  }

  /** cancel drops a pending restart; returns whether one was pending. */
  cancel(id: string): boolean {
    const timer = this.#timers.get(id);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.#timers.delete(id);
    return true;
  }

  /** forget drops everything about a container (removed, or manually started: the backoff starts over). */
  forget(id: string): void {
    this.cancel(id);
    this.#backoff.delete(id);
  }

  /** close cancels every pending restart (daemon shutdown). */
  close(): void {
    for (const id of [...this.#timers.keys()]) this.cancel(id);
  }
}
