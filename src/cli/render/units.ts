import { goFormatG } from './go-float.js';

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function scale(size: number, base: number, units: readonly string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i] ?? 'B'];
}

/** humanSizeWithPrecision is go-units' HumanSizeWithPrecision: decimal units, `precision` significant digits ("4.26MB"). */
export function humanSizeWithPrecision(size: number, precision: number): string {
  const [v, unit] = scale(size, 1000, DECIMAL_UNITS);
  return goFormatG(v, precision) + unit;
}

/** humanSize is go-units' HumanSize: decimal units with 4 significant digits ("2.746MB"). */
export function humanSize(size: number): string {
  return humanSizeWithPrecision(size, 4);
}

/** bytesSize is go-units' BytesSize: binary units with 4 significant digits ("15.61GiB"). */
export function bytesSize(size: number): string {
  const [v, unit] = scale(size, 1024, BINARY_UNITS);
  return goFormatG(v, 4) + unit;
}

/**
 * humanDuration is go-units' HumanDuration for a duration in milliseconds: "Less than a second", "About a minute",
 * "2 minutes", "About an hour", "3 days", ... (callers append " ago").
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** timeSince is docker's `units.HumanDuration(now - t) + " ago"` for a unix time in seconds. */
export function timeSince(unixSeconds: number, nowMs: number = Date.now()): string {
  return `${humanDuration(nowMs - unixSeconds * 1000)} ago`;
}
