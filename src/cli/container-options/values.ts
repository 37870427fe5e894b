// Docker's value parsers for container flags (go-units RAMInBytes, opts.ParseCPUs, Go's time.ParseDuration and
// strconv), with Go's error wording: the messages end up verbatim in `invalid argument ... flag: <message>`.

/** ValueError is a flag value docker's parser would refuse; the message is the parser's own. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BINARY_UNITS: Readonly<Record<string, number>> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** goQuote is Go's strconv.Quote for the printable ASCII texts flags carry. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * ramInBytes is go-units' RAMInBytes: a number with an optional binary unit (b, k, m, g, t, p, each optionally
 * followed by `b` or `ib`), case-insensitive, optionally separated by one space: `64m` is 67108864.
 */
export function ramInBytes(size: string): number {
  let sep = -1;
  for (let i = size.length - 1; i >= 0; i--) {
    if ('0123456789. '.includes(size[i] ?? '')) {
      sep = i;
      break;
    }
  }
  if (sep === -1) throw new ValueError(`invalid size: '${size}'`);
  const num = size[sep] === ' ' ? size.slice(0, sep) : size.slice(0, sep + 1);
  let sfx = size.slice(sep + 1);
  if (!GO_FLOAT.test(num)) throw new ValueError(`strconv.ParseFloat: parsing ${goQuote(num)}: invalid syntax`);
  let value = Number(num);
  if (value < 0) throw new ValueError(`invalid size: '${size}'`);
  if (sfx === '') return Math.trunc(value);
  if (sfx.length > 3) throw new ValueError(`invalid suffix: '${sfx}'`);
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') {
    if (sfx.length > 1) throw new ValueError(`invalid suffix: '${sfx}'`);
    return Math.trunc(value);
  }
  const mul = BINARY_UNITS[sfx[0] ?? ''];
  if (mul === undefined) throw new ValueError(`invalid suffix: '${sfx}'`);
  value *= mul;
  if ((sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) {
    throw new ValueError(`invalid suffix: '${sfx}'`);
  }
  return Math.trunc(value);
}

/** memSwapBytes is docker's MemSwapBytes: like ramInBytes, but `-1` (unlimited swap) is allowed. */
export function memSwapBytes(value: string): number {
  return value === '-1' ? -1 : ramInBytes(value);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** rational parses big.Rat's SetString syntax (`0.5`, `1/2`, `1e-3`) into an exact numerator/denominator. */
function rational(value: string): [bigint, bigint] | undefined {
  const slash = value.indexOf('/');
  if (slash >= 0) {
    const n = value.slice(0, slash);
    const d = value.slice(slash + 1);
    if (!/^[+-]?\d+$/.test(n) || !/^\d+$/.test(d) || BigInt(d) === 0n) return undefined;
    return [BigInt(n), BigInt(d)];
  }
  const m = DECIMAL.exec(value);
  if (!m) return undefined;
  const [, sign = '', int = '', frac = '', exp = '0'] = m;
  if (int === '' && frac === '') return undefined;
  let num = BigInt(`${int}${frac}` || '0');
  let den = 10n ** BigInt(frac.length);
  const e = Number(exp);
  if (Math.abs(e) > 1000) return undefined;
  if (e >= 0) num *= 10n ** BigInt(e);
  else den *= 10n ** BigInt(-e);
  return [sign === '-' ? -num : num, den];
}

/** parseCpus is docker's opts.ParseCPUs: a rational number of CPUs as nano CPUs (`0.5` is 500000000). */
export function parseCpus(value: string): number {
  const r = rational(value);
  if (!r) throw new ValueError(`failed to parse ${value} as a rational number`);
  const [num, den] = r;
  const nano = num * 1_000_000_000n;
  if (nano % den !== 0n) throw new ValueError('value is too precise');
  return Number(nano / den);
}

const DURATION_UNITS_NS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };

/** parseDuration is Go's time.ParseDuration (`1h30m`, `1.5s`, `300ms`), in nanoseconds, with Go's error wording. */
export function parseDuration(orig: string): number {
  let s = orig;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  const invalid = (): ValueError => new ValueError(`time: invalid duration ${goQuote(orig)}`);
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    const int = m?.[1] ?? '';
    const frac = m?.[2];
    if (int === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice(m?.[0].length ?? 0);
    const unitMatch = /^[^\d.]*/.exec(s);
    const unit = unitMatch?.[0] ?? '';
    if (unit === '') throw new ValueError(`time: missing unit in duration ${goQuote(orig)}`);
    const scale = DURATION_UNITS_NS[unit];
    if (scale === undefined) throw new ValueError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(orig)}`);
    s = s.slice(unit.length);
    total += Number(int || '0') * scale + (frac ? Math.round(Number(`0.${frac}`) * scale) : 0);
  }
  return neg ? -total : total;
}

/** parseUint is Go's strconv.ParseUint(value, 10, bits) with its error wording. */
export function parseUint(value: string, bits: 16 | 64): number {
  if (!/^\d+$/.test(value)) throw new ValueError(`strconv.ParseUint: parsing ${goQuote(value)}: invalid syntax`);
  const n = BigInt(value);
  if (n >= 1n << BigInt(bits)) throw new ValueError(`strconv.ParseUint: parsing ${goQuote(value)}: value out of range`);
  return Number(n);
}
