import { WharfError } from '../common/errors.js';
import { isDaemonError } from '../client/response-error.js';
import { USAGE_ERROR_CODE } from './flags/parse-flags.js';

/** BAD_TEMPLATE_CODE marks a --format template that inspect-style commands could not parse (docker exits 64). */
export const BAD_TEMPLATE_CODE = 'WHARF_CLI_BAD_TEMPLATE';

// compat: docker exits 125 for flag errors (cli.FlagErrorFunc) and 64 for inspect/version template errors;
// every other error, the daemon's included, exits 1.
const EXIT_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  [USAGE_ERROR_CODE]: 125,
  [BAD_TEMPLATE_CODE]: 64,
};

/** exitStatusOf maps an error to the exit status docker would use. */
export function exitStatusOf(err: unknown): number {
  return err instanceof WharfError ? (EXIT_STATUS_BY_CODE[err.code] ?? 1) : 1;
}

/** formatError is the line docker prints for an error: daemon errors get "Error response from daemon: ". */
export function formatError(err: unknown): string {
  if (isDaemonError(err)) return `Error response from daemon: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * badTemplate reports a --format template that inspect-style commands (inspect, version, info, events) could not
 * parse: `template parsing error: ...`, exit status 64 as docker's cli.StatusError{StatusCode: 64}.
 */
export function badTemplate(err: unknown): WharfError {
  const msg = err instanceof Error ? err.message : String(err);
  return new WharfError('InvalidArgument', 'WHARF_CLI_BAD_TEMPLATE', `template parsing error: ${msg}`, { cause: err });
}
