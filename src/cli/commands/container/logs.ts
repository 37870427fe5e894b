import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WharfError } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';
import { getTimestamp } from '../../flags/timestamp.js';

const FLAGS = [
  { name: 'details', type: 'bool', usage: 'Show extra details provided to logs' },
  { name: 'follow', short: 'f', type: 'bool', usage: 'Follow log output' },
  { name: 'since', type: 'string', usage: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
  { name: 'tail', short: 'n', type: 'string', usage: 'Number of lines to show from the end of the logs', default: 'all' },
  { name: 'timestamps', short: 't', type: 'bool', usage: 'Show timestamps' },
  { name: 'until', type: 'string', usage: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
] as const;

/** timestamp is the client-side conversion of --since/--until, with the docker client's error wrapping. */
function timestamp(name: string, value: string, now: number): string | undefined {
  if (value === '') return undefined;
  try {
    return getTimestamp(value, now);
  } catch (err) {
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_TIMESTAMP', `invalid value for "${name}": ${(err as Error).message}`, { cause: err });
  }
}

/** forwardTo writes into `out` with backpressure without ever ending it (it is the process's stdout). */
function forwardTo(out: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (out.write(chunk)) cb();
      else out.once('drain', () => cb());
    },
  });
}

/** command is `wharf logs` (`wharf container logs`): a container's output, stdout and stderr kept apart. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] CONTAINER',
  args: { min: 1, max: 1 },
  flags: FLAGS,
  async run(ctx) {
    const { flags } = ctx;
    const client = ctx.client();
    const api = await import('../../../client/containers-api.js');
    const c = await api.containerInspect(client, ctx.args[0] ?? '');
    const now = ctx.io.now();
    const res = await api.containerLogs(client, c.Id ?? ctx.args[0] ?? '', {
      follow: flags.follow,
      since: timestamp('since', flags.since, now),
      until: timestamp('until', flags.until, now),
      timestamps: flags.timestamps,
      details: flags.details,
      tail: flags.tail,
    });
    if (c.Config?.Tty) {
      await pipeline(res, forwardTo(ctx.io.stdout));
      return;
    }
    const { StdDemuxer } = await import('../../../client/stdcopy.js');
    await pipeline(res, new StdDemuxer(ctx.io.stdout, ctx.io.stderr));
  },
};
