import { WharfError } from '../../../common/errors.js';
import type { EngineClient } from '../../../client/engine-client.js';
import type { CliIO, CommandContext, CommandSpec } from '../../command.js';
import { buildCreateBody, type CreateRequestBody } from '../../container-options/create-body.js';
import { createContainer, validatePullPolicy } from '../../container-options/create-container.js';
import { RUN_FLAGS } from '../../container-options/flag-table.js';
import { optionFailure, withHelp, type CommandUse } from '../../container-options/option-errors.js';
import { ttySize } from '../../terminal/raw-mode.js';
import { formatError } from '../../run-cli.js';

const USAGE = '[OPTIONS] IMAGE [COMMAND] [ARG...]';

type RunContext = CommandContext<typeof RUN_FLAGS>;

/**
 * statusError prints docker's toStatusError for `run` and returns the exit status: 127 when the command was not
 * found, 126 when it could not be invoked, 125 for every other daemon or CLI failure.
 */
function statusError(io: CliIO, err: unknown, use: CommandUse): number {
  const text = formatError(err);
  let status = 125;
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(text)) status = 127;
  else if (/permission denied|is a directory/.test(text)) status = 126;
  io.stderr.write(`${withHelp(text, use, 'run').message}\n`);
  return status;
}

/** prepare reads the flags into the create body, with docker's checks before anything is sent. */
async function prepare(ctx: RunContext, use: CommandUse): Promise<CreateRequestBody> {
  const { flags } = ctx;
  const pullError = validatePullPolicy(flags.pull);
  if (pullError) throw withHelp(pullError, use, 'run');
  for (const name of ['gpus', 'use-api-socket'] as const) {
    if (ctx.changed.has(name)) throw new WharfError('NotImplemented', 'WHARF_CLI_FLAG_UNSUPPORTED', `--${name} is not supported by wharf`);
  }
  const [image = '', ...args] = ctx.args;
  try {
    return await buildCreateBody({ flags, changed: ctx.changed, image, args, env: ctx.io.env, cwd: process.cwd(), consoleSize: ttySize(ctx.io.stdout) });
  } catch (err) {
    throw optionFailure(err, use, 'run');
  }
}

/** checkModes is docker's check of -d against -a and of a TTY against a non-terminal stdin. */
function checkModes(ctx: RunContext, body: CreateRequestBody): void {
  if (!ctx.flags.detach) {
    if (body.AttachStdin === true && ctx.flags.tty && !ctx.io.stdinIsTTY) {
      throw new WharfError('InvalidArgument', 'WHARF_CLI_NOT_A_TTY', 'the input device is not a TTY');
    }
    return;
  }
  if (ctx.flags.attach.length > 0) {
    throw new WharfError('InvalidArgument', 'WHARF_CLI_CONFLICT', 'conflicting options: cannot specify both --attach and --detach');
  }
  Object.assign(body, { AttachStdin: false, AttachStdout: false, AttachStderr: false, StdinOnce: false });
}

async function startDetached(ctx: RunContext, client: EngineClient, id: string, use: CommandUse): Promise<number> {
  const { containerStart } = await import('../../../client/containers-api.js');
  ctx.io.stdout.write(`${id}\n`);
  const waitRemoved = ctx.flags.rm ? await (await import('../../terminal/attach-session.js')).waitExitOrRemoved(client, id, true, ctx.io.stderr) : undefined;
  try {
    await containerStart(client, id);
  } catch (err) {
    if (waitRemoved) await waitRemoved();
    return statusError(ctx.io, err, use);
  }
  return 0;
}

/** command is `wharf run` (`wharf container run`): create a container, start it and, unless -d, attach to it. */
export const command: CommandSpec<typeof RUN_FLAGS> = {
  usage: USAGE,
  args: { min: 1 },
  flags: RUN_FLAGS,
  interspersed: false,
  async run(ctx) {
    const use: CommandUse = { path: ctx.path, useLine: `${ctx.path} ${USAGE}` };
    const body = await prepare(ctx, use);
    checkModes(ctx, body);
    const client = ctx.client();
    const attached = body.AttachStdin === true || body.AttachStdout === true || body.AttachStderr === true;
    // Start loading the attach path while the create request is in flight.
    if (attached) {
      void import('../../terminal/attached-run.js');
      void import('../../terminal/attach-session.js').then((m) => m.preloadSession(body.Tty === true && body.AttachStdin === true));
    }
    let id: string;
    try {
      id = await createContainer(client, body, { name: ctx.flags.name, platform: ctx.flags.platform, pull: ctx.flags.pull, quiet: ctx.flags.quiet, cidfile: ctx.flags.cidfile }, ctx.io.stderr);
    } catch (err) {
      return statusError(ctx.io, err, use);
    }
    if (!attached) return startDetached(ctx, client, id, use);
    const { runAttached } = await import('../../terminal/attached-run.js');
    return runAttached(ctx.io, client, id, {
      stdin: body.AttachStdin === true,
      stdout: body.AttachStdout === true,
      stderr: body.AttachStderr === true,
      tty: body.Tty === true,
      detachKeys: ctx.flags['detach-keys'],
      sigProxy: ctx.flags['sig-proxy'],
      autoRemove: ctx.flags.rm,
      failStart: (err) => statusError(ctx.io, err, use),
    });
  },
};
