import { invalidArgument, type WharfError } from '../../common/errors.js';
import type { HealthConfig } from './oci.js';

const DURATION_FLAGS = { interval: 'Interval', timeout: 'Timeout', 'start-period': 'StartPeriod', 'start-interval': 'StartInterval' } as const;
type DurationFlag = keyof typeof DURATION_FLAGS;

const UNIT_NS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

function changeError(message: string): WharfError {
  return invalidArgument('WHARF_INVALID_CHANGE', message);
}

/** parseGoDuration parses a Go duration string (`1m30s`, `500ms`, `0`) into nanoseconds. */
export function parseGoDuration(s: string): number {
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(s);
  if (m === null) throw changeError(`time: invalid duration "${s}"`);
  let total = 0;
  for (const part of (m[2] ?? '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_NS[part[2] ?? ''] ?? 0);
  }
  return Math.round(m[1] === '-' ? -total : total);
}

/**
 * parseHealthcheck parses HEALTHCHECK arguments as BuildKit's instructions do: `NONE`, or `[--interval=D]
 * [--timeout=D] [--start-period=D] [--start-interval=D] [--retries=N] CMD command` in exec or shell form.
 */
export function parseHealthcheck(args: string): HealthConfig {
  let rest = args.trim();
  const flags = new Map<string, string>();
  for (let m = /^--([A-Za-z-]+)(=(\S*))?\s*/.exec(rest); m !== null; m = /^--([A-Za-z-]+)(=(\S*))?\s*/.exec(rest)) {
    const name = m[1] ?? '';
    if (!(name in DURATION_FLAGS) && name !== 'retries') throw changeError(`Unknown flag: ${name}`);
    if (m[2] === undefined) throw changeError(`Missing a value on flag: --${name}`);
    flags.set(name, m[3] ?? '');
    rest = rest.slice(m[0].length);
  }
  const typ = (rest.split(/\s+/, 1)[0] ?? '').toUpperCase();
  const cmd = rest.slice(typ.length).trim();
  if (typ === 'NONE') {
    if (cmd !== '' || flags.size > 0) throw changeError('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (typ !== 'CMD') throw changeError(`Unknown type "${typ}" in HEALTHCHECK (try CMD)`);
  if (cmd === '') throw changeError('Missing command after HEALTHCHECK CMD');
  const health: { -readonly [K in keyof HealthConfig]: HealthConfig[K] } = { Test: testOf(cmd) };
  for (const [flag, key] of Object.entries(DURATION_FLAGS) as Array<[DurationFlag, (typeof DURATION_FLAGS)[DurationFlag]]>) {
    const v = flags.get(flag);
    if (v === undefined || v === '') continue;
    const ns = parseGoDuration(v);
    if (ns !== 0 && ns < 1e6) throw changeError(`Interval "${flag}" cannot be less than 1ms`);
    if (ns !== 0) health[key] = ns;
  }
  const retries = flags.get('retries');
  if (retries !== undefined && retries !== '') {
    if (!/^[-+]?\d+$/.test(retries)) throw changeError(`strconv.ParseInt: parsing "${retries}": invalid syntax`);
    const n = Number(retries);
    if (n < 0) throw changeError(`--retries cannot be negative (${n})`);
    if (n !== 0) health.Retries = n;
  }
  return health;
}

function testOf(cmd: string): string[] {
  if (cmd.startsWith('[')) {
    try {
      const v = JSON.parse(cmd) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return ['CMD', ...(v as string[])];
    } catch {
      // not JSON: shell form
    }
  }
  return ['CMD-SHELL', cmd];
}
