import { WharfError, isNotFound } from '../../../common/errors.js';
import type { CommandSpec, CommandContext } from '../../command.js';
import { INSPECT_FORMAT_HELP } from '../../flags/parse-flags.js';
import { inspectObjects, joinedInspectError } from '../../render/inspect-format.js';
import { ALL_TYPES, OBJECT_INSPECTORS, type ObjectInspector } from './object-inspectors.js';

const FLAGS = [
  { name: 'format', short: 'f', type: 'string', usage: INSPECT_FORMAT_HELP },
  { name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes if the type is container' },
  { name: 'type', type: 'string', usage: 'Only inspect objects of the given type' },
] as const;

const typeList = `"${ALL_TYPES.join('", "')}"`;

/** isSkippable is docker's isErrSkippable: try the next object type when this one does not know the name. */
function isSkippable(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : '';
  return isNotFound(err) || msg.includes('not supported') || msg.includes('invalid reference format');
}

function selectInspectors(ctx: CommandContext<typeof FLAGS>): readonly ObjectInspector[] {
  const type = ctx.flags.type;
  if (ctx.changed.has('type') && type === '') {
    throw new WharfError('InvalidArgument', 'WHARF_INSPECT_TYPE', `type is empty: must be one of ${typeList}`);
  }
  if (type === '') return OBJECT_INSPECTORS;
  if (!ALL_TYPES.includes(type)) throw new WharfError('InvalidArgument', 'WHARF_INSPECT_TYPE', `unknown type: "${type}": must be one of ${typeList}`);
  const found = OBJECT_INSPECTORS.filter((i) => i.type === type);
  if (found.length === 0) throw new WharfError('NotImplemented', 'WHARF_INSPECT_TYPE_UNSUPPORTED', `wharf inspect --type ${type} is not supported yet`);
  return found;
}

/** command is `wharf inspect`: any object by name or ID, trying each object type in turn. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  args: { min: 1 },
  flags: FLAGS,
  async run(ctx) {
    const inspectors = selectInspectors(ctx);
    const constrained = ctx.flags.type !== '';
    const client = ctx.client();
    const size = ctx.flags.size;
    const getRaw = async (ref: string): Promise<string> => {
      for (const ins of inspectors) {
        try {
          const raw = await ins.inspect(client, ref, { size });
          if (size && !ins.sizeSupported) ctx.io.stderr.write(`WARNING: --size ignored for ${ins.type}\n`);
          return raw;
        } catch (err) {
          if (!constrained && isSkippable(err)) continue;
          throw err;
        }
      }
      throw new WharfError('NotFound', 'WHARF_NO_SUCH_OBJECT', `Error: No such object: ${ref}`);
    };
    const { output, errors } = await inspectObjects(ctx.args, ctx.flags.format, getRaw);
    ctx.io.stdout.write(output);
    if (errors.length > 0) throw joinedInspectError(errors);
  },
};
