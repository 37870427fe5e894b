import { invalidArgument } from '../../common/errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** parseGoDuration parses Go's time.ParseDuration syntax ("10m", "1h30m", "1.5s") into milliseconds. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)((?:\d*\.?\d*(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const part of (m[2] ?? '').matchAll(/(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const num = part[1] ?? '';
    if (num === '' || num === '.') return undefined;
    total += Number(num) * (UNIT_MS[part[2] ?? ''] ?? 0);
  }
  return m[1] === '-' ? -total : total;
}

/** validFields is time.Parse's range check: a real calendar day and a clock time. */
function validFields(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h < 24 && mi < 60 && s < 60;
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/**
 * getTimestamp is docker's timetypes.GetTimestamp for --since/--until: a Go duration counts back from now, an
 * RFC 3339 date or time (local time when no zone is given) becomes `seconds.nanoseconds`, and a Unix timestamp
 * passes through unchanged.
 */
export function getTimestamp(value: string, nowMs: number): string {
  const d = parseGoDuration(value);
  if (value !== '0' && d !== undefined) return String(Math.trunc((nowMs - d) / 1000));
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d)(?::(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?)?)?(Z|z|[+-]\d\d:\d\d)?$/.exec(value);
  if (m) {
    const [, y, mo, da, h = '0', mi = '0', se = '0', frac = '', zone] = m;
    if (!validFields(Number(y), Number(mo), Number(da), Number(h), Number(mi), Number(se))) {
      throw invalidArgument('WHARF_INVALID_TIMESTAMP', `parsing time ${JSON.stringify(value)}: out of range`);
    }
    let ms: number;
    if (zone) {
      const iso = `${y}-${mo}-${da}T${p2(Number(h))}:${p2(Number(mi))}:${p2(Number(se))}${zone.toUpperCase()}`;
      ms = Date.parse(iso);
    } else {
      ms = new Date(Number(y), Number(mo) - 1, Number(da), Number(h), Number(mi), Number(se)).getTime();
    }
    if (!Number.isNaN(ms)) return `${Math.floor(ms / 1000)}.${frac.padEnd(9, '0')}`;
  }
  if (value.includes('-') || !/^\d+(\.\d{1,9})?$/.test(value)) {
    throw invalidArgument('WHARF_INVALID_TIMESTAMP', `failed to parse value as time or duration: ${JSON.stringify(value)}`);
  }
  return value;
}
