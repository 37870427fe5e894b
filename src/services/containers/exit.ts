import type { ExitInfo } from '../../core/runtime/container-runtime.js';
import { eventAttributes, type ContainerRecord } from './container-record.js';
import type { EngineContext } from './engine-context.js';
import { notifyListeners } from './engine-context.js';
import { stopLogRotation } from './log-rotation.js';
import { shouldRestart } from './restart-policy.js';
import { startContainer } from './start.js';
import { transition } from './state.js';

/** ExitOutcome is what handling an exit decided. */
export interface ExitOutcome {
  readonly record: ContainerRecord;
  /** The policy restart delay, when the restart policy restarts the container. */
  readonly restartInMs?: number;
  /** The container has AutoRemove and must now be removed. */
  readonly autoRemove: boolean;
}

/**
 * finishRun records the end of a container's run under its lock: the runtime forgets it, its root is unmounted,
 * and its state becomes `exited` (or `restarting` when the policy restarts it), with the exit code, time and OOM
 * flag the monitor recorded; `die` (and `oom`) events go out. Returns undefined when the container was not
 * running (an exit seen twice, or of a container that is being removed).
 */
export async function finishRun(ctx: EngineContext, id: string, exit: ExitInfo): Promise<ExitOutcome | undefined> {
  return ctx.store.withLock(id, async () => {
    const r = ctx.store.byId(id);
    if (r === undefined || (r.state.status !== 'running' && r.state.status !== 'paused')) return undefined;
    stopLogRotation(ctx, id);
    await ctx.runtime.delete(id, { force: true }).catch((err: unknown) => ctx.log.warn({ err, containerId: id }, 'runtime delete after exit'));
    await ctx.rootfs.release(r).catch((err: unknown) => ctx.log.warn({ err, containerId: id }, 'unmount after exit'));
    let state = transition(id, r.state, 'exit', { exitCode: exit.exitCode, oomKilled: exit.oomKilled, at: exit.exitedAt.toISOString() });
    const restart = !ctx.closing.value && !r.spec.autoRemove && shouldRestart(r.spec.restartPolicy, exit.exitCode, r.state.restartCount, r.manuallyStopped);
    if (restart) state = transition(id, state, 'schedule-restart');
    const record = await ctx.store.update(id, (c) => ({ ...c, state }));
    if (exit.oomKilled) ctx.events.publish({ type: 'container', action: 'oom', actor: { id, attributes: eventAttributes(record) } });
    ctx.events.publish({ type: 'container', action: 'die', actor: { id, attributes: eventAttributes(record, { exitCode: String(exit.exitCode) }) } });
    const ranMs = exit.exitedAt.getTime() - Date.parse(r.state.startedAt);
    return {
      record,
      ...(restart ? { restartInMs: ctx.restarts.delayFor(id, Number.isFinite(ranMs) ? ranMs : 0) } : {}),
      autoRemove: r.spec.autoRemove && !ctx.closing.value,
    };
  });
}

/** policyRestart is the restart policy's start of a `restarting` container. */
export async function policyRestart(ctx: EngineContext, id: string): Promise<void> {
  try {
    await startContainer(ctx, id, 'policy');
  } catch (err) {
    ctx.log.warn({ err, containerId: id }, 'restart policy could not start the container');
  }
}

/**
 * handleExit reacts to a container's exit reported by the runtime (its exit file): finishRun, then wake the
 * waiters, tell the lifecycle listeners, and restart (after the backoff) or auto-remove as the container says.
 * `remove` is the removal use-case, passed in to keep the modules acyclic.
 */
export async function handleExit(
  ctx: EngineContext,
  id: string,
  exit: ExitInfo,
  remove: (id: string) => Promise<void>,
): Promise<void> {
  const outcome = await finishRun(ctx, id, exit);
  if (outcome === undefined) return;
  ctx.waiters.notifyExit(id, { exitCode: exit.exitCode });
  notifyListeners(ctx, (l) => l.exited?.(outcome.record, exit));
  if (outcome.restartInMs !== undefined) {
    ctx.restarts.schedule(id, outcome.restartInMs, () => void policyRestart(ctx, id));
  } else if (outcome.autoRemove) {
    await remove(id).catch((err: unknown) => ctx.log.warn({ err, containerId: id }, 'auto-remove failed'));
  }
}
