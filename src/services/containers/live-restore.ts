import path from 'node:path';
import type { ExitInfo } from '../../core/runtime/container-runtime.js';
import type { ContainerRecord } from './container-record.js';
import type { EngineContext } from './engine-context.js';
import { notifyListeners } from './engine-context.js';
import { handleExit, policyRestart } from './exit.js';
import { startLogRotation } from './log-rotation.js';
import { destroy, releaseResources } from './remove.js';
import { shouldRestartAtBoot } from './restart-policy.js';
import { transition } from './state.js';

/** LOST_EXIT_CODE is the exit code of a container whose end nobody recorded (its monitor died with it). */
export const LOST_EXIT_CODE = 255;

type Remove = (id: string) => Promise<void>;

async function liveState(ctx: EngineContext, id: string): Promise<'running' | 'paused' | 'created' | undefined> {
  const st = await ctx.runtime.state(id).catch(() => undefined);
  if (st === undefined || st.status === 'stopped') return undefined;
  if (st.status === 'created') return 'created';
  return (await ctx.runtime.isMonitorAlive(id)) ? st.status : undefined;
}

/** adoptRunning takes over a container that kept running while the daemon was down. */
async function adoptRunning(ctx: EngineContext, record: ContainerRecord, live: 'running' | 'paused'): Promise<void> {
  ctx.rootfs.adopt(record);
  let r = record;
  if (r.state.status !== live) {
    const pid = (await ctx.runtime.state(r.id))?.pid ?? 0;
    r = await ctx.store.update(r.id, (c) => {
      // A start that crashed after the runtime started the process but before the record said so.
      const running = c.state.status === 'created' || c.state.status === 'exited' ? transition(c.id, c.state, 'start', { pid }) : c.state;
      return { ...c, state: { ...running, status: live } };
    });
  }
  startLogRotation(ctx, r);
  notifyListeners(ctx, (l) => l.started?.(r));
  ctx.log.info({ containerId: r.id }, 'container re-adopted');
}

/** endRun records the end of a run the daemon missed: the exit the monitor recorded, or 255 if there is none. */
async function endRun(ctx: EngineContext, record: ContainerRecord, remove: Remove): Promise<void> {
  const recorded = await ctx.runtime.readExit(record.id).catch(() => undefined);
  const exit: ExitInfo = recorded ?? { exitCode: LOST_EXIT_CODE, exitedAt: new Date(), oomKilled: false };
  await handleExit(ctx, record.id, exit, remove);
  ctx.log.info({ containerId: record.id, exitCode: exit.exitCode }, 'container exited while the daemon was down');
}

/** undoHalfStart removes what a start interrupted by a crash left: a runtime container and the root mount. */
async function undoHalfStart(ctx: EngineContext, record: ContainerRecord): Promise<void> {
  await ctx.runtime.delete(record.id, { force: true }).catch(() => undefined);
  await ctx.rootfs.clear(record);
}

async function restoreOne(ctx: EngineContext, record: ContainerRecord, known: ReadonlySet<string>, remove: Remove): Promise<void> {
  const s = record.state.status;
  if (s === 'removing') {
    await ctx.store.withLock(record.id, () => destroy(ctx, record));
    return;
  }
  const live = known.has(record.id) ? await liveState(ctx, record.id) : undefined;
  if (live === 'running' || live === 'paused') {
    if (s === 'dead') await releaseResources(ctx, record);
    else await adoptRunning(ctx, record, live);
    return;
  }
  if (s === 'running' || s === 'paused') {
    ctx.rootfs.adopt(record);
    await endRun(ctx, record, remove);
    return;
  }
  // created, exited, restarting, dead: nothing may run or stay mounted.
  await undoHalfStart(ctx, record);
  if (s === 'restarting') {
    ctx.restarts.schedule(record.id, 0, () => void policyRestart(ctx, record.id));
    return;
  }
  const hasRun = !record.state.startedAt.startsWith('0001');
  const { restartPolicy } = record.spec;
  if (s === 'exited' && shouldRestartAtBoot(restartPolicy, record.state.exitCode, record.state.restartCount, record.manuallyStopped, hasRun)) {
    await ctx.store.update(record.id, (c) => ({ ...c, state: transition(c.id, c.state, 'schedule-restart') }));
    ctx.restarts.schedule(record.id, 0, () => void policyRestart(ctx, record.id));
  }
}

/**
 * restoreContainers reconciles the records with what the host runs after a daemon (re)start, so that a kill -9 of
 * the daemon at any moment leaves no half container and no leaked mount:
 * - running containers whose monitor is alive are re-adopted (their root mount and pid kept);
 * - ones that exited meanwhile get the exit code and time their monitor recorded (255 when none was), then the
 *   restart policy or AutoRemove applies as if the daemon had seen the exit;
 * - a start interrupted half-way is undone (runtime container deleted, root unmounted), a removal interrupted
 *   half-way is finished;
 * - stopped containers whose policy says so are started again (`always`, `unless-stopped` unless stopped by hand,
 *   `on-failure` after a failure);
 * - runtime containers without a record (a crash after the record was removed) are deleted.
 * One container's failure is logged and does not stop the others.
 */
export async function restoreContainers(ctx: EngineContext, remove: Remove): Promise<void> {
  const known = new Set(await ctx.runtime.list().catch(() => []));
  for (const record of ctx.store.list()) {
    try {
      await restoreOne(ctx, record, known, remove);
    } catch (err) {
      ctx.log.error({ err, containerId: record.id }, 'could not restore container');
    }
  }
  for (const id of known) {
    if (ctx.store.byId(id) !== undefined || !/^[a-f0-9]{64}$/.test(id)) continue;
    await ctx.runtime.delete(id, { force: true }).catch(() => undefined);
    await ctx.mounter.unmount(path.join(ctx.runtime.bundleDir(id), 'rootfs'), { lazy: true }).catch(() => undefined);
    await ctx.runtime.removeBundle(id).catch(() => undefined);
    ctx.log.warn({ containerId: id }, 'deleted a runtime container that has no record');
  }
}
