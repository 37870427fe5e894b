import type { HealthProbe } from '../../core/container/healthcheck.js';
import type { HealthLogEntry, HealthState } from './container-record.js';

/** MAX_HEALTH_LOG is how many probe results a container keeps (moby maxLogEntries). */
export const MAX_HEALTH_LOG = 5;

/** MAX_PROBE_OUTPUT is the longest probe output kept (moby maxOutputLen); longer output is cut and marked "...". */
export const MAX_PROBE_OUTPUT = 4096;

const NS_PER_MS = 1_000_000;

/** startingHealth is a container's health as its checks (re)start: starting, no failures, the old log kept. */
export function startingHealth(previous?: HealthState): HealthState {
  return { status: 'starting', failingStreak: 0, log: previous?.log ?? [] };
}

/** stoppedHealth is the health of a container whose checks stopped: compat: moby marks it unhealthy. */
export function stoppedHealth(h: HealthState): HealthState {
  return { ...h, status: 'unhealthy' };
}

/**
 * applyProbeResult is moby's handleProbeResult: the result joins the log (the last five are kept); exit code 0
 * makes the container healthy and resets the failing streak; any other result (timeouts and start failures are
 * -1) counts as a failure, except while the container is still starting within its start period; `retries`
 * consecutive failures make it unhealthy. `startedAtMs` is when the container started.
 */
export function applyProbeResult(h: HealthState, result: HealthLogEntry, probe: Pick<HealthProbe, 'retries' | 'startPeriod'>, startedAtMs: number): HealthState {
  const log = [...h.log, result].slice(-MAX_HEALTH_LOG);
  if (result.exitCode === 0) return { status: 'healthy', failingStreak: 0, log };
  if (h.status === 'starting' && Date.parse(result.start) - startedAtMs < probe.startPeriod / NS_PER_MS) {
    return { ...h, log };
  }
  const failingStreak = h.failingStreak + 1;
  return { status: failingStreak >= probe.retries ? 'unhealthy' : h.status, failingStreak, log };
}

/**
 * probeDelayMs is moby's getInterval: the start interval while the container is starting within its start
 * period, the interval otherwise (also before the first probe).
 */
export function probeDelayMs(probe: Pick<HealthProbe, 'interval' | 'startInterval' | 'startPeriod'>, status: HealthState['status'], sinceStartMs: number): number {
  const inStartPeriod = sinceStartMs < probe.startPeriod / NS_PER_MS;
  return Math.max(1, Math.round((inStartPeriod && status === 'starting' ? probe.startInterval : probe.interval) / NS_PER_MS));
}

/**
 * goDuration formats nanoseconds as Go's time.Duration String does ("30s", "1m0s", "1.5s", "500ms"), for the
 * timeout message Docker writes into the health log.
 */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1_000_000) return `${trim(ns / 1000)}µs`;
  if (ns < 1_000_000_000) return `${trim(ns / 1_000_000)}ms`;
  const totalSeconds = ns / 1e9;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = trim(totalSeconds - h * 3600 - m * 60);
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function trim(v: number): string {
  return String(Number(v.toFixed(9)));
}

/** limitOutput keeps at most MAX_PROBE_OUTPUT bytes of probe output and appends "..." when it cut (moby limitedBuffer). */
export function limitOutput(out: Buffer, truncated: boolean): string {
  return out.subarray(0, MAX_PROBE_OUTPUT).toString('utf8') + (truncated || out.length > MAX_PROBE_OUTPUT ? '...' : '');
}
