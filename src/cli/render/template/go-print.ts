import { goFormatFixed, goFormatG } from '../go-float.js';
import { isMap, isStruct, structFieldNames } from './go-json.js';

export { isMap, isStruct };

// Go's fmt printing of template values. Values are JSON-like: undefined is "no value" (an invalid reflect.Value),
// null is a nil interface, plain objects are maps, and class instances are structs (docker's formatter contexts).

/** goTypeName names v's Go type as Go's error messages do. */
export function goTypeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') && v.length > 0 ? '[]string' : '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  const named = (v as { goTypeName?: unknown }).goTypeName;
  return typeof named === 'string' ? named : `*${(v as object).constructor.name}`;
}

/** formatFloatV is fmt's %v for a float64: shortest digits, exponent form when exp < -4 or >= 21. */
function formatFloatV(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant = '0', expStr = '0'] = x.toExponential().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 21) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${neg ? '-' : ''}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return String(x);
}

/** formatNumberV prints a number as Go does for int64 fields (integers) or float64 values. */
export function formatNumberV(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return formatFloatV(n);
}

/** formatValue is fmt's %v. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumberV(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${formatValue(v[k])}`).join(' ')}]`;
  }
  if (typeof v === 'object') {
    const custom = (v as { goString?: () => string }).goString;
    if (typeof custom === 'function') return custom.call(v);
    return `&{${structValues(v).map(formatValue).join(' ')}}`;
  }
  return String(v);
}

function structValues(v: object): unknown[] {
  return structFieldNames(v).map((n) => (v as Record<string, unknown>)[n]);
}

/** sprint is fmt.Sprint: operands are separated by a space when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** sprintln is fmt.Sprintln: operands always separated by spaces, newline appended. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map(formatValue).join(' ')}\n`;
}

/** goQuote is strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const esc = SIMPLE_ESCAPES[ch];
    if (esc !== undefined) out += esc;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfeff) {
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v',
};

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  sharp: boolean;
  width?: number;
  prec?: number;
}

/** parseSpec reads a verb's flags, width and precision starting at i (just after the %). */
function parseSpec(format: string, i: number): { spec: Spec; next: number } {
  const spec: Spec = { minus: false, plus: false, space: false, zero: false, sharp: false };
  const flags: Record<string, keyof Spec> = { '-': 'minus', '+': 'plus', ' ': 'space', '0': 'zero', '#': 'sharp' };
  for (let f = flags[format[i] ?? '']; f !== undefined; f = flags[format[i] ?? '']) {
    (spec as unknown as Record<string, boolean>)[f] = true;
    i++;
  }
  const w = /^\d+/.exec(format.slice(i));
  if (w) {
    spec.width = Number(w[0]);
    i += w[0].length;
  }
  if (format[i] === '.') {
    const pm = /^\d*/.exec(format.slice(i + 1))?.[0] ?? '';
    spec.prec = Number(pm || '0');
    i += 1 + pm.length;
  }
  return { spec, next: i };
}

/** sprintf is fmt.Sprintf for the verbs templates use: %v %s %q %d %t %x %X %o %c %f %e %g and %%. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    const { spec, next } = parseSpec(format, pct + 1);
    const verb = format[next];
    i = next + 1;
    if (verb === undefined) out += '%!(NOVERB)';
    else if (verb === '%') out += '%';
    else if (argi >= args.length) out += `%!${verb}(MISSING)`;
    else out += formatArg(verb, spec, args[argi++]);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args.slice(argi).map((a) => `${goTypeName(a)}=${formatValue(a)}`).join(', ')})`;
  }
  return out;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  const n = spec.width - [...s].length;
  if (n <= 0) return s;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && numeric) {
    const sign = /^[+-]/.test(s) ? s.slice(0, 1) : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  return ' '.repeat(n) + s;
}

function bad(verb: string, v: unknown): string {
  return `%!${verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function signed(s: string, n: number, spec: Spec): string {
  if (n >= 0 && spec.plus) return `+${s}`;
  if (n >= 0 && spec.space) return ` ${s}`;
  return s;
}

function formatArg(verb: string, spec: Spec, v: unknown): string {
  if (Array.isArray(v) && verb !== 'v' && verb !== 'T') {
    return pad(`[${v.map((x) => formatArg(verb, { ...spec, width: undefined }, x)).join(' ')}]`, spec, false);
  }
  switch (verb) {
    case 'v':
      if (typeof v === 'number') return pad(signed(formatNumberV(v), v, spec), spec, true);
      return pad(formatValue(v), spec, false);
    case 'T':
      return pad(goTypeName(v), spec, false);
    case 's':
    case 'q':
      return formatString(verb, spec, v);
    case 't':
      return typeof v === 'boolean' ? pad(String(v), spec, false) : bad(verb, v);
    case 'd': case 'x': case 'X': case 'o': case 'b': case 'c':
      return formatInteger(verb, spec, v);
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
      return formatFloat(verb, spec, v);
    default:
      return bad(verb, v);
  }
}

function formatString(verb: string, spec: Spec, v: unknown): string {
  if (typeof v === 'string') {
    let s = spec.prec !== undefined ? [...v].slice(0, spec.prec).join('') : v;
    if (verb === 'q') s = goQuote(s);
    return pad(s, spec, false);
  }
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  if (typeof v === 'object') return pad(formatValue(v), spec, false);
  if (verb === 'q' && typeof v === 'number' && Number.isInteger(v)) return pad(`'${String.fromCodePoint(v)}'`, spec, false);
  return bad(verb, v);
}

function formatInteger(verb: string, spec: Spec, v: unknown): string {
  if (typeof v === 'string' && (verb === 'x' || verb === 'X')) {
    const hex = Buffer.from(v, 'utf8').toString('hex');
    return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) return bad(verb, v);
  if (verb === 'c') return pad(String.fromCodePoint(v), spec, false);
  const radix = verb === 'd' ? 10 : verb === 'o' ? 8 : verb === 'b' ? 2 : 16;
  let s = Math.abs(v).toString(radix);
  if (verb === 'X') s = s.toUpperCase();
  if (spec.prec !== undefined) s = s.padStart(spec.prec, '0');
  if (spec.sharp && radix === 16) s = (verb === 'X' ? '0X' : '0x') + s;
  if (v < 0) s = `-${s}`;
  return pad(signed(s, v, spec), spec, spec.prec === undefined);
}

function formatFloat(verb: string, spec: Spec, v: unknown): string {
  if (typeof v !== 'number') return bad(verb, v);
  let s: string;
  const lower = verb.toLowerCase();
  if (lower === 'f') s = goFormatFixed(v, spec.prec ?? 6);
  else if (lower === 'e') s = formatExp(v, spec.prec ?? 6);
  else s = spec.prec === undefined ? formatFloatV(v) : goFormatG(v, spec.prec === 0 ? 1 : spec.prec);
  if (verb === 'E' || verb === 'G') s = s.toUpperCase();
  return pad(signed(s, v, spec), spec, true);
}

function formatExp(v: number, prec: number): string {
  const [m = '0', e = '0'] = v.toExponential(prec).split('e');
  const n = Number(e);
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}
