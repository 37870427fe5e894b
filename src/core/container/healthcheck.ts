import type { HealthConfig } from '../image/oci.js';
import type { HealthcheckSpec } from './container-spec.js';
import { invalidConfig, type WireReader } from './wire-reader.js';

const MS = 1_000_000;
const SECOND = 1_000 * MS;

/** HEALTHCHECK_DEFAULTS are Docker's defaults (daemon/health.go) for a health check field left at 0. */
export const HEALTHCHECK_DEFAULTS = {
  interval: 30 * SECOND,
  timeout: 30 * SECOND,
  startPeriod: 0,
  startInterval: 5 * SECOND,
  retries: 3,
} as const;

/** HealthProbe is a ready-to-run health check: the argv to execute and when, durations in nanoseconds. */
export interface HealthProbe {
  /** The full argv: Test[1:] for CMD, the shell ([/bin/sh, -c] by default) followed by Test[1:] for CMD-SHELL. */
  readonly argv: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  readonly retries: number;
}

/**
 * readHealthcheck reads Config.Healthcheck and validates it with moby's rules and words (validateHealthCheck):
 * durations are 0 (inherit) or at least 1ms, Retries is not negative. Before API 1.44 StartInterval is ignored.
 */
export function readHealthcheck(r: WireReader, v: unknown, before144: boolean): HealthcheckSpec | undefined {
  const o = r.optObject(v, 'Healthcheck');
  if (o === undefined) return undefined;
  const h: HealthcheckSpec = {
    test: r.strSlice(o.Test, 'Healthcheck.Test') ?? [],
    interval: r.int(o.Interval, 'Healthcheck.Interval'),
    timeout: r.int(o.Timeout, 'Healthcheck.Timeout'),
    startPeriod: r.int(o.StartPeriod, 'Healthcheck.StartPeriod'),
    startInterval: before144 ? 0 : r.int(o.StartInterval, 'Healthcheck.StartInterval'),
    retries: r.int(o.Retries, 'Healthcheck.Retries'),
  };
  for (const [field, value] of [
    ['Interval', h.interval],
    ['Timeout', h.timeout],
    ['StartPeriod', h.startPeriod],
    ['StartInterval', h.startInterval],
  ] as const) {
    if (value !== 0 && value < MS) throw invalidConfig(`${field} in Healthcheck cannot be less than 1ms`);
  }
  if (h.retries < 0) throw invalidConfig('Retries in Healthcheck cannot be negative');
  return h;
}

/**
 * mergeHealthcheck combines the container's health check with the image's HEALTHCHECK field by field, as moby's
 * merge (daemon/commit.go): an empty Test or a 0 duration/retry count takes the image's value.
 */
export function mergeHealthcheck(
  own: HealthcheckSpec | undefined,
  image: HealthConfig | undefined,
): HealthcheckSpec | undefined {
  if (image === undefined) return own;
  const fromImage: HealthcheckSpec = {
    test: image.Test ?? [],
    interval: image.Interval ?? 0,
    timeout: image.Timeout ?? 0,
    startPeriod: image.StartPeriod ?? 0,
    startInterval: image.StartInterval ?? 0,
    retries: image.Retries ?? 0,
  };
  if (own === undefined) return fromImage;
  return {
    test: own.test.length > 0 ? own.test : fromImage.test,
    interval: own.interval || fromImage.interval,
    timeout: own.timeout || fromImage.timeout,
    startPeriod: own.startPeriod || fromImage.startPeriod,
    startInterval: own.startInterval || fromImage.startInterval,
    retries: own.retries || fromImage.retries,
  };
}

/**
 * healthProbeOf turns a merged health check into the probe to run, filling Docker's defaults (30s interval, 30s
 * timeout, 0 start period, 5s start interval, 3 retries). No Test, ["NONE"], or an unknown kind means no probe
 * (compat: Docker logs "Unknown healthcheck type" and runs none rather than refusing the container). `shell` is
 * Config.Shell when the container has one (Docker's getShell), else /bin/sh -c.
 */
export function healthProbeOf(
  h: HealthcheckSpec | undefined,
  shell: readonly string[] = ['/bin/sh', '-c'],
): HealthProbe | undefined {
  const [kind, ...rest] = h?.test ?? [];
  if (h === undefined || (kind !== 'CMD' && kind !== 'CMD-SHELL') || rest.length === 0) return undefined;
  return {
    argv: kind === 'CMD' ? rest : [...(shell.length > 0 ? shell : ['/bin/sh', '-c']), ...rest],
    interval: h.interval || HEALTHCHECK_DEFAULTS.interval,
    timeout: h.timeout || HEALTHCHECK_DEFAULTS.timeout,
    startPeriod: h.startPeriod || HEALTHCHECK_DEFAULTS.startPeriod,
    startInterval: h.startInterval || HEALTHCHECK_DEFAULTS.startInterval,
    retries: h.retries || HEALTHCHECK_DEFAULTS.retries,
  };
}

/** healthcheckWarnings names a Test kind Docker would not run, in Docker's log wording. */
export function healthcheckWarnings(h: HealthcheckSpec | undefined): string[] {
  const kind = h?.test[0];
  if (kind === undefined || kind === 'CMD' || kind === 'CMD-SHELL' || kind === 'NONE') return [];
  return [`Unknown healthcheck type '${kind}' (expected 'CMD')`];
}
