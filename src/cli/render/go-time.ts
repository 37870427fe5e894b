// Go's time layouts that docker prints, in the local time zone as Go's time.Unix(...) does.

const p2 = (n: number): string => String(n).padStart(2, '0');

function datePart(d: Date): string {
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
}

function clockPart(d: Date): string {
  return `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

/** zoneOffset is Go's `Z07:00` (zulu) or `-0700` (numeric) offset of d's local zone. */
function zoneOffset(d: Date, zulu: boolean): string {
  const off = -d.getTimezoneOffset();
  if (off === 0 && zulu) return 'Z';
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${sign}${p2(Math.trunc(a / 60))}${zulu ? ':' : ''}${p2(a % 60)}`;
}

/** formatRfc3339NanoFixed is docker's `2006-01-02T15:04:05.000000000Z07:00` for a time in nanoseconds. */
export function formatRfc3339NanoFixed(unixNano: bigint): string {
  const ms = Number(unixNano / 1_000_000n);
  const nanos = ((unixNano % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const d = new Date(ms);
  return `${datePart(d)}T${clockPart(d)}.${String(nanos).padStart(9, '0')}${zoneOffset(d, true)}`;
}

/** formatRfc3339 is Go's time.RFC3339 (`2006-01-02T15:04:05Z07:00`) for a unix time in seconds. */
export function formatRfc3339(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${datePart(d)}T${clockPart(d)}${zoneOffset(d, true)}`;
}

/** formatGoTimeString is Go's Time.String() for a unix time in seconds: `2006-01-02 15:04:05 -0700 MST`. */
export function formatGoTimeString(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${datePart(d)} ${clockPart(d)} ${zoneOffset(d, false)} ${zoneName(d)}`;
}

function zoneName(d: Date): string {
  if (d.getTimezoneOffset() === 0) return 'UTC';
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(d)
    .find((x) => x.type === 'timeZoneName');
  return part?.value ?? zoneOffset(d, false);
}
