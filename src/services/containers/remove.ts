import fs from 'node:fs/promises';
import { WharfError, isNotFound } from '../../common/errors.js';
import { eventAttributes, isActive, type ContainerRecord } from './container-record.js';
import type { EngineContext } from './engine-context.js';
import { notifyListeners } from './engine-context.js';
import { stopLogRotation } from './log-rotation.js';
import { checkRemove, transition } from './state.js';
import { forceStop } from './stop.js';

/** RemoveOptions are `DELETE /containers/{id}` parameters. */
export interface RemoveOptions {
  /** Kill a running container first. */
  readonly force?: boolean;
  /** Remove anonymous volumes (wharf has none yet: accepted, nothing to do). */
  readonly volumes?: boolean;
}

/**
 * releaseResources undoes everything a container holds outside its directory: the runtime's container, the root
 * mount and the bundle. Idempotent: the start-up cleanup calls it again after a crash.
 */
export async function releaseResources(ctx: EngineContext, record: ContainerRecord): Promise<void> {
  stopLogRotation(ctx, record.id);
  ctx.restarts.forget(record.id);
  await ctx.runtime.delete(record.id, { force: true }).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
  await ctx.rootfs.clear(record);
  await ctx.runtime.removeBundle(record.id).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
}

/**
 * destroy removes a container that is already marked `removing`: its resources, then its directory, renamed
 * first so that a crash in the middle never leaves half a record (ContainerStore.open deletes `*.removing`).
 * On failure the container is left `dead`, which only another rm touches.
 */
export async function destroy(ctx: EngineContext, record: ContainerRecord): Promise<void> {
  const id = record.id;
  try {
    await releaseResources(ctx, record);
    const trash = ctx.layout.containerRemoving(id);
    await fs.rename(ctx.layout.container(id), trash);
    ctx.store.forget(id);
    await fs.rm(trash, { recursive: true, force: true });
  } catch (err) {
    await ctx.store
      .update(id, (c) => ({ ...c, state: transition(id, c.state, 'remove-failed') }))
      .catch((e: unknown) => ctx.log.warn({ err: e, containerId: id }, 'marking a container dead'));
    throw new WharfError('Internal', 'WHARF_CONTAINER_REMOVE_FAILED', `unable to remove container ${id}: ${(err as Error).message}`, { cause: err });
  }
  ctx.events.publish({ type: 'container', action: 'destroy', actor: { id, attributes: eventAttributes(record) } });
  ctx.waiters.notifyRemoved(id, { exitCode: record.state.exitCode });
  notifyListeners(ctx, (l) => l.removed?.(record));
}

/**
 * removeContainer is `DELETE /containers/{id}`: 409 for a running, paused or restarting container without force
 * (Docker's words), with force a SIGKILL and a wait for the exit first; then the state becomes `removing`
 * (persisted) and destroy finishes the job. A start in flight is waited for first.
 */
export async function removeContainer(ctx: EngineContext, ref: string, opts: RemoveOptions = {}): Promise<void> {
  const id = ctx.store.get(ref).id;
  await ctx.starting.get(id)?.catch(() => undefined);
  checkRemove(ctx.store.get(id), opts.force === true);
  for (let attempt = 0; ; attempt++) {
    const r = ctx.store.get(id);
    if (opts.force === true && (isActive(r) || r.state.status === 'restarting')) await forceStop(ctx, id);
    const marked = await ctx.store.withLock(id, async () => {
      const current = ctx.store.get(id);
      checkRemove(current, opts.force === true);
      // A policy restart may have brought it back between the stop and the lock: stop again.
      if (isActive(current) || current.state.status === 'restarting') return undefined;
      return ctx.store.update(id, (c) => ({ ...c, state: transition(id, c.state, 'remove') }));
    });
    if (marked !== undefined) {
      await ctx.store.withLock(id, () => destroy(ctx, marked));
      return;
    }
    if (attempt >= 3) throw new WharfError('Conflict', 'WHARF_CONTAINER_STATE_CONFLICT', `container ${id} keeps restarting; stop it first`);
  }
}
