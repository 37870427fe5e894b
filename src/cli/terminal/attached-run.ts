import type { EngineClient } from '../../client/engine-client.js';
import * as api from '../../client/containers-api.js';
import type { CliIO } from '../command.js';
import { openSession, waitExitOrRemoved } from './attach-session.js';
import type { StreamOutcome } from './hijacked-streams.js';
import { forwardSignals } from './signal-proxy.js';

// The attached part of `docker run` (runContainer): attach before start, register the wait, start, follow the
// terminal size, then end with the container's exit status, or 0 when the user detaches.

/** AttachedRunOptions are the parts of the run that matter once the container exists. */
export interface AttachedRunOptions {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
  readonly detachKeys: string;
  readonly sigProxy: boolean;
  readonly autoRemove: boolean;
  /** Reports a failed start as run does (exit status 125, 126 or 127). */
  readonly failStart: (err: unknown) => number;
}

type First = { kind: 'session'; outcome: StreamOutcome } | { kind: 'status'; status: number };

/**
 * runAttached attaches to the created container `id`, starts it and returns the exit status. The order is
 * docker's: the hijacked attach is up before the wait is registered, and both before the start, so no output
 * and no exit is missed.
 */
export async function runAttached(io: CliIO, client: EngineClient, id: string, o: AttachedRunOptions): Promise<number> {
  const stopSignals = o.sigProxy ? forwardSignals((s) => api.containerKill(client, id, s)) : (): void => undefined;
  let stopResize = (): void => undefined;
  try {
    const conn = await api.containerAttach(client, id, { stream: true, stdin: o.stdin, stdout: o.stdout, stderr: o.stderr, detachKeys: o.detachKeys });
    const session = await openSession(io, conn, o);
    const status = await waitExitOrRemoved(client, id, o.autoRemove, io.stderr);
    try {
      await api.containerStart(client, id);
    } catch (err) {
      session.cancel();
      await session.done.catch(() => undefined);
      if (o.autoRemove) await status();
      return o.failStart(err);
    }
    if (o.tty && io.stdoutIsTTY) stopResize = (await import('./tty-size.js')).monitorTtySize(io.stdout, io.stderr, (h, w) => api.containerResize(client, id, h, w));
    const first = await Promise.race<First>([
      session.done.then((outcome) => ({ kind: 'session', outcome })),
      status().then((s) => ({ kind: 'status', status: s })),
    ]);
    if (first.kind === 'session') return first.outcome === 'detached' ? 0 : await status();
    // The container exited while output may still be in flight: keep reading it unless none is attached.
    if (!o.stdout && !o.stderr) session.cancel();
    await session.done.catch(() => undefined);
    return first.status;
  } finally {
    stopSignals();
    stopResize();
  }
}
