import { invalidArgument } from '../../common/errors.js';
import { eventAttributes } from './container-record.js';
import type { EngineContext } from './engine-context.js';
import { validateName } from './names.js';

/**
 * renameContainer is `POST /containers/{id}/rename?name=`: Docker's checks and words (empty names, the same name,
 * a name in use: 409), then the record and the name index change together; a `rename` event carries oldName.
 */
export async function renameContainer(ctx: EngineContext, ref: string, newNameRaw: string): Promise<void> {
  const record = ctx.store.get(ref);
  if (newNameRaw === '') throw invalidArgument('WHARF_INVALID_CONTAINER_NAME', 'Neither old nor new names may be empty');
  const newName = validateName(newNameRaw);
  await ctx.store.withLock(record.id, async () => {
    const current = ctx.store.get(record.id);
    if (current.name === newName) {
      throw invalidArgument('WHARF_INVALID_CONTAINER_NAME', 'Renaming a container with the same name as its current name');
    }
    ctx.store.reserveName(newName, current.id);
    let renamed;
    try {
      renamed = await ctx.store.update(current.id, (c) => ({ ...c, name: newName }));
    } catch (err) {
      ctx.store.releaseName(newName, current.id);
      throw err;
    }
    ctx.events.publish({ type: 'container', action: 'rename', actor: { id: current.id, attributes: eventAttributes(renamed, { oldName: `/${current.name}` }) } });
  });
}
