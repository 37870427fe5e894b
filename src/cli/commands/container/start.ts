import type { EngineClient } from '../../../client/engine-client.js';
import { WharfError } from '../../../common/errors.js';
import type { CommandContext, CommandSpec } from '../../command.js';
import { formatError } from '../../run-cli.js';

const FLAGS = [
  { name: 'attach', short: 'a', type: 'bool', usage: 'Attach STDOUT/STDERR and forward signals' },
  { name: 'checkpoint', type: 'string', usage: 'Restore from this checkpoint' },
  { name: 'checkpoint-dir', type: 'string', usage: 'Use a custom checkpoint storage directory' },
  { name: 'detach-keys', type: 'string', usage: 'Override the key sequence for detaching a container' },
  { name: 'interactive', short: 'i', type: 'bool', usage: "Attach container's STDIN" },
] as const;

type StartContext = CommandContext<typeof FLAGS>;

/** startAll is docker's startContainersWithoutAttachments: each container in turn, its name printed on success. */
async function startAll(ctx: StartContext, client: EngineClient): Promise<void> {
  const { containerStart } = await import('../../../client/containers-api.js');
  const failed: string[] = [];
  for (const name of ctx.args) {
    try {
      await containerStart(client, name);
      ctx.io.stdout.write(`${name}\n`);
    } catch (err) {
      ctx.io.stderr.write(`${formatError(err)}\n`);
      failed.push(name);
    }
  }
  if (failed.length > 0) throw new WharfError('Internal', 'WHARF_CLI_START_FAILED', `Error: failed to start containers: ${failed.join(', ')}`);
}

/** startAttached is docker's RunStart with -a or -i: attach, register the wait, start, return the exit status. */
async function startAttached(ctx: StartContext, client: EngineClient): Promise<number> {
  if (ctx.args.length > 1) throw new WharfError('InvalidArgument', 'WHARF_CLI_START_ATTACH_MANY', 'you cannot start and attach multiple containers at once');
  const api = await import('../../../client/containers-api.js');
  const { openSession, waitExitOrRemoved } = await import('../../terminal/attach-session.js');
  const c = await api.containerInspect(client, ctx.args[0] ?? '');
  const id = c.Id ?? ctx.args[0] ?? '';
  const tty = c.Config?.Tty === true;
  const stopSignals = tty ? (): void => undefined : (await import('../../terminal/signal-proxy.js')).forwardSignals((s) => api.containerKill(client, id, s));
  let stopResize = (): void => undefined;
  try {
    const streams = { stdin: ctx.flags.interactive && c.Config?.OpenStdin === true, stdout: true, stderr: true, tty, detachKeys: ctx.flags['detach-keys'] };
    const conn = await api.containerAttach(client, id, { stream: true, ...streams });
    const session = await openSession(ctx.io, conn, streams);
    const status = await waitExitOrRemoved(client, id, c.HostConfig?.AutoRemove === true, ctx.io.stderr);
    try {
      await api.containerStart(client, id);
    } catch (err) {
      session.cancel();
      await session.done.catch(() => undefined);
      if (c.HostConfig?.AutoRemove) await status();
      throw err;
    }
    if (tty && ctx.io.stdoutIsTTY) {
      const { monitorTtySize } = await import('../../terminal/tty-size.js');
      stopResize = monitorTtySize(ctx.io.stdout, ctx.io.stderr, (h, w) => api.containerResize(client, id, h, w));
    }
    if ((await session.done) === 'detached') return 0;
    return await status();
  } finally {
    stopSignals();
    stopResize();
  }
}

/** command is `wharf start` (`wharf container start`): start stopped containers, optionally attached to one. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { min: 1 },
  flags: FLAGS,
  async run(ctx) {
    if (ctx.flags.checkpoint !== '' || ctx.flags['checkpoint-dir'] !== '') {
      throw new WharfError('NotImplemented', 'WHARF_CLI_FLAG_UNSUPPORTED', 'checkpoints are not supported by wharf');
    }
    const client = ctx.client();
    if (ctx.flags.attach || ctx.flags.interactive) return startAttached(ctx, client);
    await startAll(ctx, client);
  },
};
