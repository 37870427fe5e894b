import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { AttachHandle } from '../../core/runtime/attach-handle.js';
import { DetachKeyScanner } from './attach-keys.js';

/**
 * ClientStreams are the attach client's side of a session: its input (stdin bytes, ending when the client closes
 * its write side) and where the process's output goes. An absent stream was not asked for.
 */
export interface ClientStreams {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
}

/** PumpOptions are the stream rules of one attach or exec session (moby's stream.AttachConfig). */
export interface PumpOptions {
  readonly tty: boolean;
  /**
   * When the client's input ends, close the process's stdin and keep streaming output (moby CloseStdin: a
   * StdinOnce container, every exec). Otherwise, and always with a TTY, the end of input ends the session.
   */
  readonly closeStdin: boolean;
  /** The detach sequence for a TTY (Docker's default ctrl-p,ctrl-q when absent). */
  readonly detachKeys?: Uint8Array;
  /** Aborted when the client is gone. */
  readonly signal?: AbortSignal;
}

/**
 * PumpOutcome is how a session ended: `ended` the process's output ended (it exited); `detached` the client typed
 * the detach keys; `input-ended` the client's input ended and that ends the session; `client-gone` the client
 * disconnected or stopped taking output.
 */
export type PumpOutcome = 'ended' | 'detached' | 'input-ended' | 'client-gone';

async function copyOut(source: Readable, target: Writable | undefined): Promise<void> {
  if (target === undefined) {
    // Unrequested output is read and dropped: the monitor must never wait for this client.
    source.resume();
    await finished(source, { readable: true, writable: false }).catch(() => undefined);
    return;
  }
  await pipeline(source, target);
}

async function writeAll(target: Writable, chunk: Buffer): Promise<void> {
  if (chunk.length === 0 || target.destroyed) return;
  if (!target.write(chunk)) {
    await Promise.race([once(target, 'drain'), once(target, 'close')]);
  }
}

type InputResult = 'detached' | 'input-ended' | 'stdin-closed';

async function copyIn(input: Readable, target: Writable, opts: PumpOptions): Promise<InputResult> {
  const scanner = opts.tty ? new DetachKeyScanner(opts.detachKeys) : undefined;
  // The connection must outlive the input: a client that closed its write side still reads the output.
  for await (const chunk of input.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    if (scanner === undefined) {
      await writeAll(target, chunk);
      continue;
    }
    const { forward, detach } = scanner.scan(chunk);
    await writeAll(target, forward);
    if (detach) return 'detached';
  }
  if (scanner !== undefined) await writeAll(target, scanner.pending());
  if (opts.closeStdin && !opts.tty) {
    target.end();
    return 'stdin-closed';
  }
  return 'input-ended';
}

const never = new Promise<never>(() => undefined);

/**
 * pumpStreams runs one session between a client and a process's monitor connection: output to the client with
 * backpressure (unrequested output is drained), the client's input to the process (detach keys honoured with a
 * TTY), until the output ends, the client detaches, its input ends (when that ends the session) or it goes away.
 * On any end but `ended` the monitor connection is dropped with `detach()`; the process keeps running.
 */
export async function pumpStreams(handle: AttachHandle, client: ClientStreams, opts: PumpOptions): Promise<PumpOutcome> {
  const output = Promise.all([copyOut(handle.stdout, client.stdout), copyOut(handle.stderr, client.stderr)]).then(
    (): PumpOutcome => 'ended',
    (): PumpOutcome => 'client-gone',
  );
  const input: Promise<PumpOutcome> =
    client.stdin !== undefined && handle.stdin !== undefined
      ? copyIn(client.stdin, handle.stdin, opts).then(
          (r): Promise<PumpOutcome> | PumpOutcome => (r === 'stdin-closed' ? never : r),
          (): PumpOutcome => 'client-gone',
        )
      : never;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<PumpOutcome>((resolve) => {
    if (opts.signal === undefined) return;
    if (opts.signal.aborted) resolve('client-gone');
    onAbort = () => resolve('client-gone');
    opts.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([output, input, aborted]);
    if (outcome !== 'ended') handle.detach();
    return outcome;
  } finally {
    if (onAbort !== undefined) opts.signal?.removeEventListener('abort', onAbort);
    // The monitor connection's own end (clean or WHARF_ATTACH_OVERRUN) is not the session's failure.
    handle.closed.catch(() => undefined);
  }
}
