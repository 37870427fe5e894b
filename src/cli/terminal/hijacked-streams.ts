import { PassThrough, Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HijackedConnection } from '../../client/hijack.js';
import { StdDemuxer } from '../../client/stdcopy.js';

// docker's hijackedIOStreamer: the local streams connected to an attached container (or exec). Output is copied
// raw with a TTY and demultiplexed into stdout/stderr without; input is copied until EOF and then half-closed, so
// that `echo data | wharf run -i ...` ends the container's stdin; with a TTY, the local terminal is raw and the
// detach keys end the session without stopping the container.

/** StreamOptions say what to connect to a hijacked connection. */
export interface StreamOptions {
  readonly conn: HijackedConnection;
  /** Local input to send; absent when stdin is not attached. */
  readonly stdin?: Readable;
  /** Where the container's stdout (and, with a TTY, everything) goes; absent when not attached. */
  readonly stdout?: Writable;
  /** Where the container's stderr goes; absent when not attached. */
  readonly stderr?: Writable;
  readonly tty: boolean;
  /** The --detach-keys value ('' for the default ctrl-p,ctrl-q). */
  readonly detachKeys: string;
  /** Diagnostics (an invalid --detach-keys value). */
  readonly log: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** StreamOutcome says how a session ended: the output ended (or input did, with nothing to output), or detach keys. */
export type StreamOutcome = 'ended' | 'detached' | 'canceled';

/** StreamSession is a running session: `done` settles when it ends, `cancel` ends it early (terminal restored). */
export interface StreamSession {
  readonly done: Promise<StreamOutcome>;
  cancel(): void;
}

class DetachError extends Error {}

async function detachScanner(keys: string, log: Writable): Promise<Transform> {
  const { DEFAULT_DETACH_KEYS, DetachKeyMatcher, parseDetachKeys } = await import('./detach-keys.js');
  let bytes = DEFAULT_DETACH_KEYS;
  if (keys !== '') {
    try {
      bytes = parseDetachKeys(keys);
    } catch (err) {
      log.write(`WARN: invalid detach escape keys, using default: ${(err as Error).message}\n`);
    }
  }
  const matcher = new DetachKeyMatcher(bytes);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const scan = matcher.feed(chunk);
      if (scan.data.length > 0) this.push(scan.data);
      cb(scan.detached ? new DetachError('read escape sequence') : null);
    },
  });
}

/** connInput writes to the connection and half-closes it at the end without owning it (pipeline errors don't destroy it). */
function connInput(conn: HijackedConnection): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (conn.socket.destroyed || conn.socket.writableEnded) cb();
      else conn.socket.write(chunk, () => cb());
    },
    final(cb) {
      conn.closeWrite();
      cb();
    },
  });
}

/** forwardTo writes into `out` with its backpressure but never ends or destroys it (it may be process.stdout). */
function forwardTo(out: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (out.write(chunk)) cb();
      else out.once('drain', () => cb());
    },
  });
}

function outputPump(opts: StreamOptions, restore: () => void): Promise<void> | undefined {
  const { conn, stdout, stderr } = opts;
  if (!stdout && !stderr) return undefined;
  if (opts.tty) {
    const out = stdout ?? stderr ?? new PassThrough();
    // compat: docker restores the terminal as soon as the output ends, before anything else is printed.
    return pipeline(conn.socket, forwardTo(out)).finally(restore);
  }
  const sink = new PassThrough().resume();
  return pipeline(conn.socket, new StdDemuxer(stdout ?? sink, stderr ?? sink));
}

function inputPump(opts: StreamOptions, scanner: Transform | undefined, restore: () => void, signal: AbortSignal): Promise<'ended' | 'detached'> {
  const { conn, stdin } = opts;
  if (!stdin) {
    conn.closeWrite();
    return Promise.resolve('ended');
  }
  const stages = scanner ? pipeline(stdin, scanner, connInput(conn), { signal }) : pipeline(stdin, connInput(conn), { signal });
  return stages.then(
    () => {
      restore();
      return 'ended' as const;
    },
    (err: unknown) => {
      restore();
      if (err instanceof DetachError) return 'detached' as const;
      // compat: like docker, a failing local input only stops the input; the output decides the outcome.
      conn.closeWrite();
      return 'ended' as const;
    },
  );
}

async function settle(output: Promise<void> | undefined, input: Promise<'ended' | 'detached'>, aborted: AbortSignal): Promise<StreamOutcome> {
  const first = await Promise.race([
    ...(output ? [output.then(() => 'output' as const)] : []),
    input.then((r) => (r === 'detached' ? ('detached' as const) : ('input' as const))),
  ]);
  if (first === 'detached') return 'detached';
  if (first === 'input' && output) await output;
  return aborted.aborted ? 'canceled' : 'ended';
}

/**
 * streamHijacked connects the local streams to `conn` and resolves `done` when the session is over: output ended
 * (or input ended when no output is attached) gives 'ended', the detach keys 'detached', cancel() 'canceled'.
 * Output errors reject. The terminal is raw only with a TTY and stdin attached, and restored on every path.
 */
export async function streamHijacked(opts: StreamOptions): Promise<StreamSession> {
  const ac = new AbortController();
  let restore = (): void => undefined;
  let scanner: Transform | undefined;
  if (opts.stdin && opts.tty) {
    // Only terminal sessions need the detach keys and raw mode: loaded on demand.
    scanner = await detachScanner(opts.detachKeys, opts.log);
    restore = (await import('./raw-mode.js')).setRawTerminal(opts.stdin, opts.env);
  }
  const output = outputPump(opts, restore);
  const input = inputPump(opts, scanner, restore, ac.signal);
  // Output that ends because we canceled is not an error.
  const guardedOutput = output?.catch((err: unknown) => {
    if (!ac.signal.aborted) throw err;
  });
  const done = settle(guardedOutput, input, ac.signal).finally(() => {
    restore();
    if (!ac.signal.aborted) ac.abort();
    opts.conn.close();
  });
  return {
    done,
    cancel: () => {
      restore();
      ac.abort();
      // Ending the connection ends the output pump (its error is expected and ignored).
      opts.conn.close();
    },
  };
}
