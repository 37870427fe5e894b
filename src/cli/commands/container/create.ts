import { WharfError } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';
import { buildCreateBody, type CreateRequestBody } from '../../container-options/create-body.js';
import { createContainer, validatePullPolicy } from '../../container-options/create-container.js';
import { CREATE_FLAGS } from '../../container-options/flag-table.js';
import { optionFailure, withHelp, type CommandUse } from '../../container-options/option-errors.js';
import { ttySize } from '../../terminal/raw-mode.js';

const USAGE = '[OPTIONS] IMAGE [COMMAND] [ARG...]';

/** command is `wharf create` (`wharf container create`): create a container and print its ID. */
export const command: CommandSpec<typeof CREATE_FLAGS> = {
  usage: USAGE,
  args: { min: 1 },
  flags: CREATE_FLAGS,
  interspersed: false,
  async run(ctx) {
    const { flags } = ctx;
    const use: CommandUse = { path: ctx.path, useLine: `${ctx.path} ${USAGE}` };
    const pullError = validatePullPolicy(flags.pull);
    if (pullError) throw withHelp(pullError, use, 'create');
    for (const name of ['gpus', 'use-api-socket'] as const) {
      if (ctx.changed.has(name)) throw new WharfError('NotImplemented', 'WHARF_CLI_FLAG_UNSUPPORTED', `--${name} is not supported by wharf`);
    }
    const [image = '', ...args] = ctx.args;
    let body: CreateRequestBody;
    try {
      body = await buildCreateBody({ flags, changed: ctx.changed, image, args, env: ctx.io.env, cwd: process.cwd(), consoleSize: ttySize(ctx.io.stdout) });
    } catch (err) {
      throw optionFailure(err, use, 'create');
    }
    // compat: create's errors from the daemon exit with status 1, unlike run's 125.
    const id = await createContainer(ctx.client(), body, { name: flags.name, platform: flags.platform, pull: flags.pull, quiet: flags.quiet, cidfile: flags.cidfile }, ctx.io.stderr);
    ctx.io.stdout.write(`${id}\n`);
  },
};
