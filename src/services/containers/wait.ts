import { invalidArgument } from '../../common/errors.js';
import type { EngineContext } from './engine-context.js';
import type { ExitStatus } from './exit-waiters.js';

/** WaitCondition is Docker's `condition` of `POST /containers/{id}/wait`. */
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** parseWaitCondition reads the `condition` parameter ("" is not-running); anything else is InvalidArgument. */
export function parseWaitCondition(raw: string | null): WaitCondition {
  if (raw === null || raw === '' || raw === 'not-running') return 'not-running';
  if (raw === 'next-exit' || raw === 'removed') return raw;
  throw invalidArgument('WHARF_INVALID_PARAMETER', `invalid condition: "${raw}"`);
}

/**
 * waitContainer is `POST /containers/{id}/wait`. It looks the container up and registers the waiter
 * synchronously (a missing container throws before anything is sent; a waiter registered before `start` cannot
 * miss the exit) and returns the promise of the exit status:
 * - not-running: at once when the container is not running (created, exited, dead), else at its next exit;
 * - next-exit: at the next exit, whatever the state now (what `docker run` uses before it starts the container);
 * - removed: when the container is removed.
 */
export function waitContainer(ctx: EngineContext, ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<ExitStatus> {
  const record = ctx.store.get(ref);
  const status = record.state.status;
  if (condition === 'removed') return ctx.waiters.removed(record.id, signal);
  if (condition === 'not-running' && status !== 'running' && status !== 'paused' && status !== 'restarting') {
    return Promise.resolve({ exitCode: record.state.exitCode });
  }
  return ctx.waiters.nextExit(record.id, signal);
}
