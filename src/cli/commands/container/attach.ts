import type { EngineClient } from '../../../client/engine-client.js';
import type { ContainerInspect } from '../../../client/containers-api.js';
import { WharfError } from '../../../common/errors.js';
import type { CliIO, CommandSpec } from '../../command.js';

const FLAGS = [
  { name: 'detach-keys', type: 'string', usage: 'Override the key sequence for detaching a container' },
  { name: 'no-stdin', type: 'bool', usage: 'Do not attach STDIN' },
  { name: 'sig-proxy', type: 'bool', usage: 'Proxy all received signals to the process', default: true },
] as const;

/** inspectRunning is docker's inspectContainerAndCheckState: only a running, unpaused container can be attached. */
async function inspectRunning(client: EngineClient, ref: string): Promise<ContainerInspect> {
  const { containerInspect } = await import('../../../client/containers-api.js');
  const c = await containerInspect(client, ref);
  const fail = (msg: string): never => {
    throw new WharfError('Conflict', 'WHARF_CLI_ATTACH_STATE', msg);
  };
  if (!c.State?.Running) fail('You cannot attach to a stopped container, start it first');
  if (c.State?.Paused) fail('You cannot attach to a paused container, unpause it first');
  if (c.State?.Restarting) fail('You cannot attach to a restarting container, wait until it is running');
  return c;
}

/** command is `wharf attach` (`wharf container attach`): connect the terminal to a running container. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] CONTAINER',
  args: { min: 1, max: 1 },
  flags: FLAGS,
  async run(ctx) {
    const client = ctx.client();
    const ref = ctx.args[0] ?? '';
    const api = await import('../../../client/containers-api.js');
    const { openSession } = await import('../../terminal/attach-session.js');
    // compat: docker registers the wait (condition not-running) before it looks at the container.
    const wait = api.containerWait(client, ref);
    wait.catch(() => undefined);
    const c = await inspectRunning(client, ref);
    const tty = c.Config?.Tty === true;
    if (!ctx.flags['no-stdin'] && tty && !ctx.io.stdinIsTTY) throw new WharfError('InvalidArgument', 'WHARF_CLI_NOT_A_TTY', 'the input device is not a TTY');
    const streams = { stdin: !ctx.flags['no-stdin'] && c.Config?.OpenStdin === true, stdout: true, stderr: true, tty, detachKeys: ctx.flags['detach-keys'] };
    const stopSignals = ctx.flags['sig-proxy'] && !tty ? (await import('../../terminal/signal-proxy.js')).forwardSignals((s) => api.containerKill(client, ref, s)) : (): void => undefined;
    let stopResize = (): void => undefined;
    try {
      const conn = await api.containerAttach(client, ref, { stream: true, ...streams });
      // compat: docker checks the state again once attached (the container may have stopped meanwhile), and only
      // then starts copying the streams.
      await inspectRunning(client, ref).catch((err: unknown) => {
        conn.close();
        throw err;
      });
      if (tty && ctx.io.stdoutIsTTY) stopResize = await monitorAfterNudge(ctx.io, client, ref);
      const session = await openSession(ctx.io, conn, streams);
      // compat: docker attach reports a detach as an error ("read escape sequence", exit status 1).
      if ((await session.done) === 'detached') throw new WharfError('Canceled', 'WHARF_CLI_DETACHED', 'read escape sequence');
      const result = await (await wait)();
      if (result.Error?.Message) throw new WharfError('Internal', 'WHARF_CLI_WAIT_FAILED', result.Error.Message);
      return result.StatusCode;
    } finally {
      stopSignals();
      stopResize();
    }
  },
};

/**
 * monitorAfterNudge is docker's resizeTTY for attach: one resize to a size off by one, so that a shell redraws its
 * prompt on a re-attach, then the real size and its changes.
 */
async function monitorAfterNudge(io: CliIO, client: EngineClient, ref: string): Promise<() => void> {
  const api = await import('../../../client/containers-api.js');
  const { ttySize } = await import('../../terminal/raw-mode.js');
  const { monitorTtySize } = await import('../../terminal/tty-size.js');
  const [h, w] = ttySize(io.stdout);
  await api.containerResize(client, ref, h + 1, w + 1).catch(() => undefined);
  return monitorTtySize(io.stdout, io.stderr, (hh, ww) => api.containerResize(client, ref, hh, ww));
}
