import { WharfError } from '../../common/errors.js';
import { USAGE_ERROR_CODE } from '../flags/parse-flags.js';

/**
 * FlagValueError is a flag value refused while the flag is read (pflag's Set), printed by docker as
 * `invalid argument "x" for "-m, --memory" flag: invalid size: 'x'` followed by the usage line.
 */
export class FlagValueError extends Error {
  readonly flag: string;
  readonly value: string;
  readonly reason: string;

  constructor(flag: string, value: string, reason: string) {
    super(`invalid argument "${value}" for "${flag}" flag: ${reason}`);
    this.name = 'FlagValueError';
    this.flag = flag;
    this.value = value;
    this.reason = reason;
  }
}

/**
 * OptionsError is a combination of flags docker's parse refuses after reading them (conflicts, bad files, bad
 * specs), printed as `docker: <message>` with the --help hint.
 */
export class OptionsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OptionsError';
  }
}

/** CommandUse names the command in messages: `wharf run` and its usage line. */
export interface CommandUse {
  /** The command as invoked, e.g. `wharf run` or `wharf container create`. */
  readonly path: string;
  /** The full usage line, e.g. `wharf run [OPTIONS] IMAGE [COMMAND] [ARG...]`. */
  readonly useLine: string;
}

function bin(path: string): string {
  return path.split(' ')[0] ?? path;
}

/**
 * withHelp is docker's withHelp for run and create: `wharf: <message>` and the --help hint, exit status 125.
 * compat: docker names the short command (`docker run --help`) even when invoked as `docker container run`.
 */
export function withHelp(message: string, use: CommandUse, verb: string): WharfError {
  return new WharfError('InvalidArgument', USAGE_ERROR_CODE, `${bin(use.path)}: ${message}\n\nRun '${bin(use.path)} ${verb} --help' for more information`);
}

/**
 * optionFailure turns an error from reading the container flags into the CLI error docker prints (exit 125): flag
 * value errors with the usage line, the rest through withHelp. Other errors pass through.
 */
export function optionFailure(err: unknown, use: CommandUse, verb: string): unknown {
  if (err instanceof FlagValueError) {
    return new WharfError('InvalidArgument', USAGE_ERROR_CODE, `${err.message}\n\nUsage:  ${use.useLine}\n\nRun '${use.path} --help' for more information`);
  }
  if (err instanceof OptionsError) return withHelp(err.message, use, verb);
  return err;
}
