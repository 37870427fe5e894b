import { WharfError } from '../../../common/errors.js';
import type { CommandContext } from '../../command.js';

/** STOP_FLAGS are the flags of `wharf stop` and `wharf restart` (docker's; `--time` is the deprecated spelling). */
export const STOP_FLAGS = [
  { name: 'signal', short: 's', type: 'string', usage: 'Signal to send to the container' },
  { name: 'time', type: 'int', usage: 'Seconds to wait before killing the container (deprecated: use --timeout)', hidden: true },
  { name: 'timeout', short: 't', type: 'int', usage: 'Seconds to wait before killing the container' },
] as const;

/**
 * stopOptions reads stop's and restart's flags as docker does: the timeout is sent only when given (the
 * container's own stop timeout applies otherwise); `--time` still works, with pflag's deprecation notice.
 */
export function stopOptions(ctx: CommandContext<typeof STOP_FLAGS>): { timeout?: number; signal?: string } {
  const { changed, flags } = ctx;
  // compat: pflag prints the deprecation notice while parsing, before docker checks for the conflict.
  if (changed.has('time')) ctx.io.stderr.write('Flag --time has been deprecated, use --timeout instead\n');
  if (changed.has('time') && changed.has('timeout')) {
    throw new WharfError('InvalidArgument', 'WHARF_CLI_CONFLICTING_FLAGS', 'conflicting options: cannot specify both --timeout and --time');
  }
  let timeout: number | undefined;
  if (changed.has('timeout')) timeout = flags.timeout;
  else if (changed.has('time')) timeout = flags.time;
  return { timeout, signal: flags.signal || undefined };
}
