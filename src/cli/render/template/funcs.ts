import { FuncError, isTrue, type FuncMap, type TemplateFunc } from './exec.js';
import { formatNumberV, goTypeName, isMap, isStruct, sprint, sprintf, sprintln } from './go-print.js';
import { goJson } from './go-json.js';

const fn = (min: number, max: number, call: (args: unknown[]) => unknown): TemplateFunc => ({ min, max, call });

function wantString(v: unknown): string {
  if (typeof v !== 'string') throw new FuncError(`wrong type for value; expected string; got ${goTypeName(v)}`, false);
  return v;
}

function wantInt(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FuncError(`wrong type for value; expected int; got ${goTypeName(v)}`, false);
  return v;
}

/** wantStrings accepts a JSON array of strings where Go wants []string (docker's typed fields are []string). */
function wantStrings(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new FuncError(`wrong type for value; expected []string; got ${goTypeName(v)}`, false);
  }
  return v;
}

/** isSeparator is strings.Title's word boundary: ASCII other than [A-Za-z0-9_], or Unicode space. */
function isSeparator(ch: string): boolean {
  return (ch.codePointAt(0) ?? 0) < 0x80 ? !/[A-Za-z0-9_]/.test(ch) : /\s/u.test(ch);
}

/** goTitle is strings.Title: upper-case the first letter of each word. */
function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

/** truncateBytes is docker's truncateWithLength: the first n bytes when the string is at least n long. */
function truncateBytes(s: string, n: number): string {
  const buf = Buffer.from(s, 'utf8');
  return buf.length < n ? s : buf.subarray(0, Math.max(0, n)).toString('utf8');
}

function length(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw new FuncError(`len of type ${goTypeName(v)}`);
}

function index(args: unknown[]): unknown {
  let v = args[0];
  for (const k of args.slice(1)) {
    if (v === undefined || v === null) throw new FuncError('index of untyped nil');
    if (Array.isArray(v) || typeof v === 'string') {
      if (typeof k !== 'number' || !Number.isInteger(k)) throw new FuncError(`cannot index slice/array with type ${goTypeName(k)}`);
      if (k < 0 || k >= v.length) throw new FuncError(`index out of range: ${k}`);
      v = typeof v === 'string' ? Buffer.from(v)[k] : v[k];
    } else if (isMap(v)) {
      if (typeof k !== 'string') throw new FuncError(`value has type ${goTypeName(k)}; should be string`);
      v = v[k];
    } else throw new FuncError(`can't index item of type ${goTypeName(v)}`);
  }
  return v;
}

function slice(args: unknown[]): unknown {
  const [v, ...idx] = args;
  if (typeof v !== 'string' && !Array.isArray(v)) throw new FuncError(`can't slice item of type ${goTypeName(v)}`);
  const ints = idx.map(wantInt);
  const lo = ints[0] ?? 0;
  const hi = ints[1] ?? v.length;
  if (lo < 0 || hi < lo || hi > v.length) throw new FuncError(`index out of range: ${hi > v.length ? hi : lo}`);
  return v.slice(lo, hi);
}

type Kind = 'nil' | 'bool' | 'num' | 'str' | 'other';

function kind(v: unknown): Kind {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'num';
  if (typeof v === 'string') return 'str';
  return 'other';
}

function eq(args: unknown[]): boolean {
  const [a, ...rest] = args;
  return rest.some((b) => {
    const ka = kind(a);
    const kb = kind(b);
    if (ka === 'nil' || kb === 'nil') return ka === kb;
    if (ka === 'other' || kb === 'other') throw new FuncError('non-comparable types');
    if (ka !== kb) throw new FuncError('incompatible types for comparison');
    // Event times are BigInts; compare them with plain numbers by value.
    return typeof a === typeof b ? a === b : Number(a) === Number(b);
  });
}

function less(a: unknown, b: unknown): boolean {
  const ka = kind(a);
  if (ka !== 'num' && ka !== 'str') throw new FuncError(`invalid type for comparison`);
  if (ka !== kind(b)) throw new FuncError('incompatible types for comparison');
  return (a as number | string) < (b as number | string);
}

/** BASIC_FUNCS are Go's builtin template functions plus docker's (templates.basicFunctions). */
export const BASIC_FUNCS: FuncMap = {
  // Go builtins (and/or are handled lazily by the executor).
  and: fn(1, Infinity, () => undefined),
  or: fn(1, Infinity, () => undefined),
  not: fn(1, 1, ([v]) => !isTrue(v)),
  len: fn(1, 1, ([v]) => length(v)),
  index: fn(1, Infinity, index),
  slice: fn(1, 3, slice),
  print: fn(0, Infinity, sprint),
  println: fn(0, Infinity, sprintln),
  printf: fn(1, Infinity, ([f, ...rest]) => sprintf(wantString(f), rest)),
  eq: fn(2, Infinity, eq),
  ne: fn(2, 2, (args) => !eq(args)),
  lt: fn(2, 2, ([a, b]) => less(a, b)),
  le: fn(2, 2, ([a, b]) => less(a, b) || eq([a, b])),
  gt: fn(2, 2, ([a, b]) => less(b, a)),
  ge: fn(2, 2, ([a, b]) => less(b, a) || eq([a, b])),
  // docker/cli templates.basicFunctions
  json: fn(1, 1, ([v]) => goJson(v)),
  split: fn(2, 2, ([s, sep]) => splitGo(wantString(s), wantString(sep))),
  join: fn(2, 2, ([a, sep]) => wantStrings(a).join(wantString(sep))),
  title: fn(1, 1, ([s]) => goTitle(wantString(s))),
  lower: fn(1, 1, ([s]) => wantString(s).toLowerCase()),
  upper: fn(1, 1, ([s]) => wantString(s).toUpperCase()),
  pad: fn(3, 3, ([s, pre, post]) => {
    const str = wantString(s);
    return str === '' ? str : ' '.repeat(Math.max(0, wantInt(pre))) + str + ' '.repeat(Math.max(0, wantInt(post)));
  }),
  truncate: fn(2, 2, ([s, n]) => truncateBytes(wantString(s), wantInt(n))),
};

/** splitGo is strings.Split: an empty separator splits into UTF-8 sequences. */
function splitGo(s: string, sep: string): string[] {
  return sep === '' ? [...s] : s.split(sep);
}

const headerIdentity = (min: number, max: number): TemplateFunc => fn(min, max, ([v]) => (typeof v === 'string' ? v : formatHeaderArg(v)));

function formatHeaderArg(v: unknown): string {
  if (typeof v === 'number') return formatNumberV(v);
  if (isStruct(v) || isMap(v)) throw new FuncError(`wrong type for value; expected string; got ${goTypeName(v)}`, false);
  return String(v);
}

/**
 * HEADER_FUNCS replace docker's string functions while a table header is rendered, so that `{{upper .Name}}`
 * still prints the column name (templates.HeaderFunctions).
 */
export const HEADER_FUNCS: FuncMap = {
  ...BASIC_FUNCS,
  json: headerIdentity(1, 1),
  split: headerIdentity(2, 2),
  join: headerIdentity(2, 2),
  title: headerIdentity(1, 1),
  lower: headerIdentity(1, 1),
  upper: headerIdentity(1, 1),
  truncate: headerIdentity(2, 2),
};
