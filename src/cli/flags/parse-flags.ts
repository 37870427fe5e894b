import { WharfError } from '../../common/errors.js';
import type { FlagSpec, FlagValues } from './flag-spec.js';

/** USAGE_ERROR_CODE marks a command-line usage error (unknown flag, missing value, bad arguments): exit status 125. */
export const USAGE_ERROR_CODE = 'WHARF_CLI_USAGE';

/** usageError is an InvalidArgument error with the usage code. */
export function usageError(message: string): WharfError {
  return new WharfError('InvalidArgument', 'WHARF_CLI_USAGE', message);
}

/** defaultValue is the value a flag has when it is not given. */
export function defaultValue(spec: FlagSpec): boolean | string | number | string[] {
  switch (spec.type) {
    case 'bool':
      return typeof spec.default === 'boolean' ? spec.default : false;
    case 'string':
      return typeof spec.default === 'string' ? spec.default : '';
    case 'int':
      return typeof spec.default === 'number' ? spec.default : 0;
    default:
      return [];
  }
}

// Docker's shared flag texts live here, with the grammar, so that commands need no extra module at start-up.

/** FORMAT_HELP is docker's --format help for list commands (flags.FormatHelp). */
export const FORMAT_HELP = `Format output using a custom template:
'table':            Print output in table format with column headers (default)
'table TEMPLATE':   Print output in table format using the given Go template
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template.
Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates`;

/** INSPECT_FORMAT_HELP is docker's --format help for inspect-style commands (flags.InspectFormatHelp). */
export const INSPECT_FORMAT_HELP = `Format output using a custom template:
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template.
Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates`;

/** platformUsage is docker's help for the --platform flags of save/load/history. */
export const platformUsage = (what: string): string => `${what} Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")`;

/** ParsedArgs is the result of parsing a command line against a flag table. */
export interface ParsedArgs<F extends readonly FlagSpec[]> {
  readonly flags: FlagValues<F>;
  /** Long names of the flags given on the command line (pflag's `Changed`). */
  readonly changed: ReadonlySet<string>;
  /** Positional arguments, in order. */
  readonly args: string[];
  /** True when `--help` (or `-h`, unless the table defines `-h`) was given. */
  readonly help: boolean;
}

/** ParseOptions tune the grammar per command. */
export interface ParseOptions {
  /** When false, the first positional argument ends flag parsing (docker's SetInterspersed(false)). */
  readonly interspersed?: boolean;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * parseFlags parses argv with docker's (pflag's) grammar: `--flag value`, `--flag=value`, `-f value`, `-fvalue`,
 * `-f=value`, bundled booleans (`-qa`) optionally ending in a valued flag (`-qf dangling=true`), repeated flags into
 * arrays, `--` ending flags, `--bool=false`. `--help` is always help; `-h` is help unless the table defines `-h`.
 * Errors carry pflag's wording (`unknown flag: --foo`, `unknown shorthand flag: 'x' in -x`).
 */
export function parseFlags<const F extends readonly FlagSpec[]>(argv: readonly string[], specs: F, opts: ParseOptions = {}): ParsedArgs<F> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short ?? '', s]));
  const values: Record<string, unknown> = Object.fromEntries(specs.map((s) => [s.name, defaultValue(s)]));
  const changed = new Set<string>();
  const args: string[] = [];
  let help = false;
  const set = (spec: FlagSpec, value: string): void => {
    values[spec.name] = convert(spec, value, values[spec.name], changed.has(spec.name));
    changed.add(spec.name);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      i = parseLong(a, argv, i, byName, set, (on) => (help = on));
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      i = parseShorts(a.slice(1), argv, i, byShort, set, () => (help = true));
      continue;
    }
    if (opts.interspersed === false) {
      args.push(...argv.slice(i));
      break;
    }
    args.push(a);
  }
  return { flags: values as FlagValues<F>, changed, args, help };
}

/** parseLong handles one `--name[=value]` argument; it returns the index of the last argv element it consumed. */
function parseLong(
  a: string,
  argv: readonly string[],
  i: number,
  byName: ReadonlyMap<string, FlagSpec>,
  set: (spec: FlagSpec, value: string) => void,
  onHelp: (on: boolean) => void,
): number {
  const eq = a.indexOf('=');
  const name = a.slice(2, eq < 0 ? undefined : eq);
  const spec = byName.get(name);
  if (!spec) {
    if (name !== 'help') throw usageError(`unknown flag: --${name}`);
    onHelp(eq < 0 || parseBool('--help', a.slice(eq + 1)));
    return i;
  }
  if (eq >= 0) set(spec, a.slice(eq + 1));
  else if (spec.type === 'bool') set(spec, 'true');
  else if (i + 1 < argv.length) {
    set(spec, argv[i + 1] ?? '');
    return i + 1;
  } else throw usageError(`flag needs an argument: --${name}`);
  return i;
}

/** parseShorts handles one `-abc` argument; it returns the index of the last argv element it consumed. */
function parseShorts(
  shorts: string,
  argv: readonly string[],
  i: number,
  byShort: ReadonlyMap<string, FlagSpec>,
  set: (spec: FlagSpec, value: string) => void,
  onHelp: () => void,
): number {
  let rest = shorts;
  while (rest.length > 0) {
    const c = rest[0] ?? '';
    const spec = byShort.get(c);
    if (!spec) {
      if (c === 'h') {
        onHelp();
        rest = rest.slice(1);
        continue;
      }
      throw usageError(`unknown shorthand flag: '${c}' in -${rest}`);
    }
    if (rest[1] === '=') {
      set(spec, rest.slice(2));
      return i;
    }
    if (spec.type === 'bool') {
      set(spec, 'true');
      rest = rest.slice(1);
    } else if (rest.length > 1) {
      set(spec, rest.slice(1));
      return i;
    } else if (i + 1 < argv.length) {
      set(spec, argv[i + 1] ?? '');
      return i + 1;
    } else throw usageError(`flag needs an argument: '${c}' in -${rest}`);
  }
  return i;
}

function label(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function invalid(spec: FlagSpec, value: string, why: string): WharfError {
  return usageError(`invalid argument "${value}" for "${label(spec)}" flag: ${why}`);
}

function parseBool(flag: string, value: string): boolean {
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw usageError(`invalid argument "${value}" for "${flag}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

function convert(spec: FlagSpec, value: string, prev: unknown, repeated: boolean): unknown {
  const list = repeated && Array.isArray(prev) ? (prev as string[]) : [];
  switch (spec.type) {
    case 'bool':
      if (TRUE.has(value)) return true;
      if (FALSE.has(value)) return false;
      throw invalid(spec, value, `strconv.ParseBool: parsing "${value}": invalid syntax`);
    case 'int':
      if (!/^[+-]?\d+$/.test(value)) throw invalid(spec, value, `strconv.ParseInt: parsing "${value}": invalid syntax`);
      return Number(value);
    case 'string':
      return value;
    case 'list':
      return [...list, value];
    case 'strings':
      return [...list, ...(value === '' ? [] : value.split(','))];
    case 'filter':
      if (value === '') return list;
      if (!value.includes('=')) throw invalid(spec, value, 'bad format of filter (expected name=value)');
      return [...list, value];
  }
}
