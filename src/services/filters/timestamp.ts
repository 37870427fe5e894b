import { invalidArgument } from '../../common/errors.js';

const NS_PER_SEC = 1_000_000_000n;
const UNIX_RE = /^(-?\d+)(?:\.(\d*))?$/;

/**
 * parseUnixTimestamp reads `seconds` or `seconds.fraction` (what `GET /events?since=` carries; the docker CLI
 * converts `10m` or RFC 3339 to this form before sending) into nanoseconds since the epoch. Empty gives undefined.
 */
export function parseUnixTimestamp(value: string, param = 'timestamp'): bigint | undefined {
  if (value === '') return undefined;
  const m = UNIX_RE.exec(value);
  if (m === null || (m[2] !== undefined && m[2].length > 20)) {
    throw invalidArgument('WHARF_INVALID_TIMESTAMP', `invalid value for '${param}': invalid timestamp ${JSON.stringify(value)}`);
  }
  const sec = BigInt(m[1] as string);
  const frac = (m[2] ?? '').slice(0, 9).padEnd(9, '0');
  const nanos = BigInt(frac);
  return sec * NS_PER_SEC + (sec < 0n ? -nanos : nanos);
}

// Go's time.ParseDuration units, in nanoseconds.
const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_RE = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;
const DURATION_PART_RE = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** parseGoDuration reads a Go duration such as `10m` or `1h30m` into milliseconds, or undefined if it is none. */
export function parseGoDuration(value: string): number | undefined {
  const m = DURATION_RE.exec(value);
  if (m === null) return undefined;
  let ms = 0;
  for (const part of (m[2] as string).matchAll(DURATION_PART_RE)) {
    ms += Number(part[1]) * (DURATION_UNITS[part[2] as string] as number);
  }
  return m[1] === '-' ? -ms : ms;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?([Zz]|[+-]\d{2}:\d{2})?$/;

function parseRfc3339Like(value: string): Date | undefined {
  const m = DATE_RE.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const ms = frac === '' ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  if (zone === undefined) {
    // compat: like the docker CLI and dockerd, a time without zone is in the daemon's local zone.
    return new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  }
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}${zone.toUpperCase()}`;
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

/**
 * parseTimestamp reads what Docker's `until` filters accept (moby `timestamp.Parse`): a Go duration counted back
 * from `now` (`10m`, `24h`), an RFC 3339 date or time (`2024-01-02`, `2024-01-02T15:04:05Z`), or a Unix timestamp
 * with optional fraction. It throws InvalidArgument naming `param` for anything else.
 */
export function parseTimestamp(value: string, now: Date, param = 'until'): Date {
  const bad = (): never => {
    throw invalidArgument('WHARF_INVALID_TIMESTAMP', `invalid value for '${param}' filter: failed to parse value as time or duration: ${JSON.stringify(value)}`);
  };
  if (value.trim() === '') bad();
  const duration = value === '0' ? undefined : parseGoDuration(value);
  if (duration !== undefined) return new Date(now.getTime() - duration);
  if (value.includes('-') && !/^-?\d+(\.\d*)?$/.test(value)) return parseRfc3339Like(value) ?? bad();
  const ns = UNIX_RE.test(value) ? parseUnixTimestamp(value, param) : undefined;
  return ns === undefined ? bad() : new Date(Number(ns / 1_000_000n));
}
