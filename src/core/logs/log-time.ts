import type { LogTime } from './log-entry.js';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const NANO_SCALE = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];

// Fast path for conmon's fixed layout `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn±HH:MM` (35 characters): reading digits by
// char code is several times faster than a regular expression, and logs are read at hundreds of MB/s.
function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

function fixedLayout(ts: string): LogTime | undefined {
  if (ts.length !== 35 || ts[4] !== '-' || ts[7] !== '-' || ts[10] !== 'T' || ts[13] !== ':' || ts[16] !== ':'
    || ts[19] !== '.' || ts[32] !== ':') return undefined;
  const sign = ts[29] === '+' ? 1 : ts[29] === '-' ? -1 : 0;
  if (sign === 0) return undefined;
  return assemble(
    digits(ts, 0, 4), digits(ts, 5, 2), digits(ts, 8, 2), digits(ts, 11, 2), digits(ts, 14, 2), digits(ts, 17, 2),
    digits(ts, 20, 9), sign * (digits(ts, 30, 2) * 3600 + digits(ts, 33, 2) * 60),
  );
}

function assemble(y: number, mo: number, d: number, h: number, mi: number, s: number, nsec: number, offset: number): LogTime | undefined {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60 && nsec >= 0)) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(ms) || !Number.isFinite(offset)) return undefined;
  return { sec: ms / 1000 - offset, nsec };
}

/**
 * parseLogTime parses an RFC 3339 time with up to nanosecond precision and a `Z` or `±HH:MM` offset, as conmon
 * writes it (local time with offset) and as Docker writes it (UTC with `Z`); undefined when malformed.
 */
export function parseLogTime(ts: string): LogTime | undefined {
  const fast = fixedLayout(ts);
  if (fast !== undefined) return fast;
  const m = RFC3339.exec(ts);
  if (m === null) return undefined;
  const n = (i: number): number => Number(m[i] ?? '0');
  const frac = m[7] ?? '';
  const nsec = frac === '' ? 0 : Number(frac) * (NANO_SCALE[frac.length] ?? 1);
  const offset = m[8] !== undefined ? 0 : (m[9] === '-' ? -1 : 1) * (n(10) * 3600 + n(11) * 60);
  return assemble(n(1), n(2), n(3), n(4), n(5), n(6), nsec, offset);
}

/**
 * formatLogTime renders an instant the way `docker logs --timestamps` does: UTC, always nine fraction digits
 * (Go's RFC3339NanoFixed), e.g. `2026-11-22T16:26:11.998627100Z`.
 */
export function formatLogTime(t: LogTime): string {
  const iso = new Date(t.sec * 1000).toISOString(); // 2026-11-22T16:26:11.000Z
  return `${iso.slice(0, 19)}.${String(t.nsec).padStart(9, '0')}Z`;
}

/** formatLogTimeLocal renders an instant in conmon's layout with a +00:00 offset (for writing k8s-file logs). */
export function formatLogTimeLocal(t: LogTime): string {
  return `${formatLogTime(t).slice(0, 29)}+00:00`;
}
