import { internal, isConflict, isNotFound } from '../../common/errors.js';
import { stopSignalOf } from '../../core/container/signal.js';
import { parseSignal, SIGKILL } from '../../core/runtime/signal.js';
import { eventAttributes, isActive, type ContainerRecord } from './container-record.js';
import type { EngineContext } from './engine-context.js';
import type { ExitStatus } from './exit-waiters.js';
import { checkKill, checkStop, transition } from './state.js';

/** DEFAULT_STOP_TIMEOUT_S is how long `docker stop` waits before SIGKILL when neither request nor container says. */
export const DEFAULT_STOP_TIMEOUT_S = 10;
/** KILL_WAIT_MS bounds the wait for a SIGKILLed container's exit to be recorded. */
export const KILL_WAIT_MS = 30_000;

/** StopOptions are `POST /containers/{id}/stop` parameters: `t` seconds (-1 forever) and a signal. */
export interface StopOptions {
  readonly timeout?: number;
  readonly signal?: string;
}

function stopSignalNumber(record: ContainerRecord): number {
  return stopSignalOf(record.config.stopSignal, undefined).number;
}

/** watchExit registers for the container's next exit; `done` drops the registration when it is not needed. */
function watchExit(ctx: EngineContext, id: string): { exit: Promise<ExitStatus>; done: () => void } {
  const ac = new AbortController();
  const exit = ctx.waiters.nextExit(id, ac.signal);
  exit.catch(() => undefined);
  return { exit, done: () => ac.abort() };
}

/** waitFor resolves with the exit, or undefined after `ms` (never with ms < 0). */
function waitFor(exit: Promise<ExitStatus>, ms: number): Promise<ExitStatus | undefined> {
  if (ms < 0) return exit;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([exit, timeout]).finally(() => clearTimeout(timer));
}

/**
 * signalContainer sends `signal` to a running container under its lock, marking it manually stopped when the
 * signal is meant to end it (so the restart policy leaves it alone), and thawing a paused one after signalling
 * when the signal is SIGKILL or the stop signal (compat: moby killWithSignal). Returns false when the
 * container is not running any more.
 */
async function signalContainer(ctx: EngineContext, id: string, signal: number, stopping: boolean): Promise<boolean> {
  return ctx.store.withLock(id, async () => {
    const r = ctx.store.get(id);
    if (!isActive(r)) return false;
    const thaws = signal === SIGKILL || signal === stopSignalNumber(r);
    checkKill(r, thaws);
    if (stopping && !r.manuallyStopped) await ctx.store.update(id, (c) => ({ ...c, manuallyStopped: true }));
    try {
      await ctx.runtime.kill(id, signal);
    } catch (err) {
      // The process ended between our look at the state and the signal: its exit is on its way.
      if (isConflict(err) || isNotFound(err)) return false;
      throw err;
    }
    if (r.state.status === 'paused' && thaws) await ctx.runtime.resume(id).catch(() => undefined);
    ctx.events.publish({ type: 'container', action: 'kill', actor: { id, attributes: eventAttributes(r, { signal: String(signal) }) } });
    return true;
  });
}

/** cancelRestart stops a container waiting for its policy restart (`restarting` → `exited`). */
async function cancelRestart(ctx: EngineContext, id: string): Promise<boolean> {
  return ctx.store.withLock(id, async () => {
    const r = ctx.store.get(id);
    if (r.state.status !== 'restarting') return false;
    ctx.restarts.cancel(id);
    await ctx.store.update(id, (c) => ({ ...c, manuallyStopped: true, state: transition(id, c.state, 'cancel-restart') }));
    return true;
  });
}

/**
 * stopContainer is `POST /containers/{id}/stop`: the stop signal (the request's, else the container's or image's
 * STOPSIGNAL, else SIGTERM), up to `timeout` seconds (the request's, else StopTimeout, else 10; -1 forever) for the
 * process to end, then SIGKILL. 304 when the container is not running. A pending policy restart is cancelled.
 */
export async function stopContainer(ctx: EngineContext, ref: string, opts: StopOptions = {}): Promise<void> {
  const record = ctx.store.get(ref);
  const id = record.id;
  checkStop(record);
  const signal = opts.signal ? parseSignal(opts.signal) : stopSignalNumber(record);
  const timeoutS = opts.timeout ?? record.spec.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
  if (!(await cancelRestart(ctx, id))) {
    const { exit, done } = watchExit(ctx, id);
    try {
      if (await signalContainer(ctx, id, signal, true)) {
        const ended = await waitFor(exit, timeoutS < 0 ? -1 : timeoutS * 1000);
        if (ended === undefined) await killAndWait(ctx, id, exit);
      }
    } finally {
      done();
    }
  }
  const after = ctx.store.byId(id) ?? record;
  ctx.events.publish({ type: 'container', action: 'stop', actor: { id, attributes: eventAttributes(after) } });
}

/** killAndWait sends SIGKILL and waits until the exit is recorded (Internal if it never is). */
async function killAndWait(ctx: EngineContext, id: string, exit: Promise<ExitStatus>): Promise<void> {
  if (!(await signalContainer(ctx, id, SIGKILL, true))) return;
  if ((await waitFor(exit, KILL_WAIT_MS)) === undefined) {
    throw internal('WHARF_CONTAINER_STOP_TIMEOUT', `container ${id} did not exit within ${KILL_WAIT_MS / 1000}s of SIGKILL`);
  }
}

/**
 * killContainer is `POST /containers/{id}/kill`: send a signal (default SIGKILL) to the container's init
 * process. 409 "Container <id> is not running" when it is not. compat: like Docker, a SIGKILL waits until the
 * container is gone.
 */
export async function killContainer(ctx: EngineContext, ref: string, signalText?: string): Promise<void> {
  const record = ctx.store.get(ref);
  const signal = parseSignal(signalText || 'KILL');
  checkKill(record, signal === SIGKILL || signal === stopSignalNumber(record));
  const { exit, done } = watchExit(ctx, record.id);
  try {
    const stopping = signal === SIGKILL || signal === stopSignalNumber(record);
    if (!(await signalContainer(ctx, record.id, signal, stopping))) throw checkKillAgain(ctx, record.id);
    if (signal === SIGKILL) await waitFor(exit, KILL_WAIT_MS);
  } finally {
    done();
  }
}

function checkKillAgain(ctx: EngineContext, id: string): Error {
  try {
    checkKill(ctx.store.get(id), true);
  } catch (err) {
    return err as Error;
  }
  return internal('WHARF_CONTAINER_KILL_RACE', `container ${id} changed state while being signalled`);
}

/** forceStop ends a live or restarting container at once (SIGKILL) and waits for its exit (rm -f). */
export async function forceStop(ctx: EngineContext, id: string): Promise<void> {
  if (await cancelRestart(ctx, id)) return;
  const { exit, done } = watchExit(ctx, id);
  try {
    await killAndWait(ctx, id, exit);
  } finally {
    done();
  }
}
