/**
 * FlagType is how a flag takes its value, named as pflag names them in `--help`:
 * - `bool`: no value (`-q`, `--quiet`, `--quiet=false`)
 * - `string`, `int`: one value (`-o file`, `-ofile`, `--output=file`); the last occurrence wins
 * - `list`: repeatable, each occurrence one value (docker's ListOpts, e.g. `-c/--change`)
 * - `strings`: repeatable, each occurrence split at commas (pflag StringSlice, e.g. `--platform a,b`)
 * - `filter`: repeatable `key=value` (docker's FilterOpt; a value without `=` is refused)
 */
export type FlagType = 'bool' | 'string' | 'int' | 'list' | 'strings' | 'filter';

/** FlagSpec is one row of a command's flag table. Tables are data: the parser has no per-command branches. */
export interface FlagSpec {
  /** Long name without dashes, e.g. `no-trunc`. */
  readonly name: string;
  /** One-letter shorthand without the dash, e.g. `q`. */
  readonly short?: string;
  readonly type: FlagType;
  /** Help text, copied from docker's. */
  readonly usage: string;
  /** Default value (bool/string/int); lists default to empty. Shown as `(default ...)` when not the zero value. */
  readonly default?: boolean | string | number;
  /** Hidden flags parse but are not listed in --help. */
  readonly hidden?: boolean;
}

type ValueOf<T extends FlagType> = T extends 'bool' ? boolean : T extends 'string' ? string : T extends 'int' ? number : string[];

/** FlagValues is the typed result of parsing a flag table: one property per long flag name. */
export type FlagValues<F extends readonly FlagSpec[]> = { -readonly [S in F[number] as S['name']]: ValueOf<S['type']> };
