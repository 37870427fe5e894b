import type { EngineClient } from '../../../client/engine-client.js';
import type { ExecCreateBody } from '../../../client/containers-api.js';
import { WharfError } from '../../../common/errors.js';
import type { CommandContext, CommandSpec } from '../../command.js';

const FLAGS = [
  { name: 'detach', short: 'd', type: 'bool', usage: 'Detached mode: run command in the background' },
  { name: 'detach-keys', type: 'string', usage: 'Override the key sequence for detaching a container' },
  { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables' },
  { name: 'env-file', type: 'list', usage: 'Read in a file of environment variables' },
  { name: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached' },
  { name: 'privileged', type: 'bool', usage: 'Give extended privileges to the command' },
  { name: 'tty', short: 't', type: 'bool', usage: 'Allocate a pseudo-TTY' },
  { name: 'user', short: 'u', type: 'string', usage: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
  { name: 'workdir', short: 'w', type: 'string', usage: 'Working directory inside the container' },
] as const;

type ExecContext = CommandContext<typeof FLAGS>;

/** execEnv is docker's exec environment: -e values (checked as docker's flag does) after the --env-file contents. */
async function execEnv(ctx: ExecContext): Promise<string[]> {
  const { flags } = ctx;
  if (flags.env.length === 0 && flags['env-file'].length === 0) return [];
  const [{ validateEnv }, { readKvStrings }, { ValueError }, { FlagValueError, optionFailure }] = await Promise.all([
    import('../../container-options/validators.js'),
    import('../../container-options/kv-file.js'),
    import('../../container-options/values.js'),
    import('../../container-options/option-errors.js'),
  ]);
  const use = { path: ctx.path, useLine: `${ctx.path} [OPTIONS] CONTAINER COMMAND [ARG...]` };
  const env = flags.env.map((e) => {
    try {
      return validateEnv(e, ctx.io.env);
    } catch (err) {
      if (err instanceof ValueError) throw optionFailure(new FlagValueError('-e, --env', e, err.message), use, 'exec');
      throw err;
    }
  });
  return readKvStrings(flags['env-file'], env, ctx.io.env);
}

/** execBody is docker's parseExec: the exec configuration, attached to everything unless -d. */
async function execBody(ctx: ExecContext): Promise<ExecCreateBody> {
  const { flags } = ctx;
  const all = await execEnv(ctx);
  return {
    User: flags.user,
    Privileged: flags.privileged,
    Tty: flags.tty,
    ConsoleSize: flags.tty ? (await import('../../terminal/raw-mode.js')).ttySize(ctx.io.stdout) : null,
    AttachStdin: !flags.detach && flags.interactive,
    AttachStderr: !flags.detach,
    AttachStdout: !flags.detach,
    DetachKeys: flags['detach-keys'],
    Env: all.length > 0 ? all : null,
    WorkingDir: flags.workdir,
    Cmd: ctx.args.slice(1),
  };
}

/** interactiveExec is docker's interactiveExec: attach to the exec, stream, then its exit code from GET /exec/{id}/json. */
async function interactiveExec(ctx: ExecContext, client: EngineClient, body: ExecCreateBody, execId: string): Promise<number> {
  const api = await import('../../../client/containers-api.js');
  const { openSession } = await import('../../terminal/attach-session.js');
  const conn = await api.execAttach(client, execId, { Detach: false, Tty: body.Tty, ConsoleSize: body.ConsoleSize });
  const session = await openSession(ctx.io, conn, { stdin: body.AttachStdin, stdout: body.AttachStdout, stderr: body.AttachStderr, tty: body.Tty, detachKeys: body.DetachKeys });
  let stopResize = (): void => undefined;
  try {
    if (body.Tty && ctx.io.stdinIsTTY) {
      const { monitorTtySize } = await import('../../terminal/tty-size.js');
      stopResize = monitorTtySize(ctx.io.stdout, ctx.io.stderr, (h, w) => api.execResize(client, execId, h, w));
    }
    const outcome = await session.done;
    // compat: docker exec reports a detach as the escape error (exit status 1).
    if (outcome === 'detached') throw new WharfError('Canceled', 'WHARF_CLI_DETACHED', 'read escape sequence');
  } finally {
    stopResize();
  }
  const inspect = await api.execInspect(client, execId);
  return inspect.ExitCode ?? 0;
}

/** command is `wharf exec` (`wharf container exec`): run a command in a running container. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  args: { min: 2 },
  flags: FLAGS,
  interspersed: false,
  async run(ctx) {
    const body = await execBody(ctx);
    const client = ctx.client();
    // Start loading what the attached session needs while the first requests are in flight.
    if (!ctx.flags.detach) void import('../../terminal/attach-session.js').then((m) => m.preloadSession(body.Tty && body.AttachStdin));
    const api = await import('../../../client/containers-api.js');
    const ref = ctx.args[0] ?? '';
    // compat: docker inspects first so that "No such container" wins over other errors and no exec is leaked.
    await api.containerInspect(client, ref);
    if (!ctx.flags.detach && body.AttachStdin && body.Tty && !ctx.io.stdinIsTTY) {
      throw new WharfError('InvalidArgument', 'WHARF_CLI_NOT_A_TTY', 'the input device is not a TTY');
    }
    const execId = await api.execCreate(client, ref, body);
    if (ctx.flags.detach) {
      await api.execStart(client, execId, { Detach: true, Tty: body.Tty, ConsoleSize: body.ConsoleSize });
      return 0;
    }
    return interactiveExec(ctx, client, body, execId);
  },
};
