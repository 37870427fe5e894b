import { containerTop } from '../../../client/containers-admin-api.js';
import type { CommandSpec } from '../../command.js';
import { TabWriter } from '../../render/tabwriter.js';

/** command is `wharf top` (`wharf container top`): the daemon's `ps` of the container; arguments after it go to ps. */
export const command: CommandSpec<readonly []> = {
  usage: 'CONTAINER [ps OPTIONS]',
  args: { min: 1 },
  flags: [],
  // compat: flags after the container name belong to ps (`wharf top web -o pid,comm`).
  interspersed: false,
  async run(ctx) {
    const [container = '', ...psArgs] = ctx.args;
    const top = await containerTop(ctx.client(), container, psArgs);
    const tw = new TabWriter(20, 3);
    tw.write(`${(top.Titles ?? []).join('\t')}\n`);
    for (const proc of top.Processes ?? []) tw.write(`${proc.join('\t')}\n`);
    ctx.io.stdout.write(tw.flush());
  },
};
