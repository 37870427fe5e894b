import type { EventMessage } from '../../../client/engine-client.js';
import type { CommandSpec } from '../../command.js';
import { WharfError } from '../../../common/errors.js';
import { toFilters } from '../../flags/filters.js';
import { INSPECT_FORMAT_HELP } from '../../flags/parse-flags.js';
import { getTimestamp } from '../../flags/timestamp.js';
import { formatRfc3339NanoFixed } from '../../render/go-time.js';
import type { CompiledTemplate } from '../../render/template/template.js';

/** formatEvent is docker's prettyPrintEvent: time, type, action, actor ID and sorted attributes. */
export function formatEvent(ev: EventMessage): string {
  let s = '';
  if (ev.timeNano) s += `${formatRfc3339NanoFixed(ev.timeNano)} `;
  else if (ev.time) s += `${formatRfc3339NanoFixed(BigInt(ev.time) * 1_000_000_000n)} `;
  s += `${ev.Type ?? ''} ${ev.Action ?? ''} ${ev.Actor?.ID ?? ''}`;
  const attrs = ev.Actor?.Attributes ?? {};
  const keys = Object.keys(attrs).sort();
  if (keys.length > 0) s += ` (${keys.map((k) => `${k}=${attrs[k] ?? ''}`).join(', ')})`;
  return `${s}\n`;
}

const FLAGS = [
  { name: 'filter', short: 'f', type: 'filter', usage: 'Filter output based on conditions provided' },
  { name: 'format', type: 'string', usage: INSPECT_FORMAT_HELP },
  { name: 'since', type: 'string', usage: 'Show all events created since timestamp' },
  { name: 'until', type: 'string', usage: 'Stream events until this timestamp' },
] as const;

/** command is `wharf events` (`wharf system events`): stream events until --until passes or the user interrupts. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS]',
  args: { max: 0 },
  flags: FLAGS,
  async run(ctx) {
    const { flags, io } = ctx;
    let tmpl: CompiledTemplate | undefined;
    if (flags.format !== '') {
      const { compileTemplate } = await import('../../render/template/template.js');
      try {
        tmpl = compileTemplate(flags.format === 'json' ? '{{json .}}' : flags.format);
      } catch (err) {
        // compat: docker words this one "Error parsing format: ..." (exit status 64).
        const msg = err instanceof Error ? err.message : String(err);
        throw new WharfError('InvalidArgument', 'WHARF_CLI_BAD_TEMPLATE', `Error parsing format: ${msg}`, { cause: err });
      }
    }
    const now = io.now();
    const events = ctx.client().events({
      since: flags.since ? getTimestamp(flags.since, now) : undefined,
      until: flags.until ? getTimestamp(flags.until, now) : undefined,
      filters: toFilters(flags.filter),
    });
    for await (const ev of events) io.stdout.write(tmpl ? `${tmpl.execute(ev)}\n` : formatEvent(ev));
  },
};
