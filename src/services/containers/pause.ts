import { eventAttributes } from './container-record.js';
import type { EngineContext } from './engine-context.js';
import { transition } from './state.js';

/**
 * pauseContainer is `POST /containers/{id}/pause`: freeze every process of the container (cgroup freezer through
 * the runtime). 409 with Docker's words when it is not running, restarting or already paused.
 */
export async function pauseContainer(ctx: EngineContext, ref: string): Promise<void> {
  const id = ctx.store.get(ref).id;
  await ctx.store.withLock(id, async () => {
    const r = ctx.store.get(id);
    const state = transition(id, r.state, 'pause');
    await ctx.runtime.pause(id);
    const record = await ctx.store.update(id, (c) => ({ ...c, state }));
    ctx.events.publish({ type: 'container', action: 'pause', actor: { id, attributes: eventAttributes(record) } });
  });
}

/** unpauseContainer is `POST /containers/{id}/unpause`: thaw a paused container; 409 when it is not paused. */
export async function unpauseContainer(ctx: EngineContext, ref: string): Promise<void> {
  const id = ctx.store.get(ref).id;
  await ctx.store.withLock(id, async () => {
    const r = ctx.store.get(id);
    const state = transition(id, r.state, 'unpause');
    await ctx.runtime.resume(id);
    const record = await ctx.store.update(id, (c) => ({ ...c, state }));
    ctx.events.publish({ type: 'container', action: 'unpause', actor: { id, attributes: eventAttributes(record) } });
  });
}
