import type { CommandSpec } from '../../command.js';
import { FORMAT_HELP, platformUsage } from '../../flags/parse-flags.js';
import { platformParam } from '../../flags/platform.js';
import { HISTORY_HEADER, HistoryContext } from '../../render/contexts/history-context.js';
import { TABLE_KEY, renderRows } from '../../render/format.js';

const DEFAULT_TABLE = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
const NON_HUMAN_TABLE = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

/** historyFormat is docker's NewHistoryFormat. */
export function historyFormat(source: string, quiet: boolean, human: boolean): string {
  if (source !== TABLE_KEY) return source;
  return quiet ? '{{.ID}}' : human ? DEFAULT_TABLE : NON_HUMAN_TABLE;
}

const FLAGS = [
  { name: 'format', type: 'string', usage: FORMAT_HELP },
  { name: 'human', short: 'H', type: 'bool', usage: 'Print sizes and dates in human readable format', default: true },
  { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
  { name: 'platform', type: 'string', usage: platformUsage('Show history for the given platform.') },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs' },
] as const;

/** command is `wharf history` (`wharf image history`). */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] IMAGE',
  args: { min: 1, max: 1 },
  flags: FLAGS,
  async run(ctx) {
    const { flags } = ctx;
    const history = await ctx.client().imageHistory(ctx.args[0] ?? '', { platform: platformParam(flags.platform) });
    const now = ctx.io.now();
    const rows = history.map((h) => new HistoryContext(h, { trunc: !flags['no-trunc'], human: flags.human, now }));
    ctx.io.stdout.write(await renderRows(historyFormat(flags.format || TABLE_KEY, flags.quiet, flags.human), rows, HISTORY_HEADER));
  },
};
