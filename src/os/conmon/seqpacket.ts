import fs from 'node:fs';
import path from 'node:path';
import { seqpacketConnect } from '../native/native.js';
import type { SeqpacketHandle, SeqpacketListener } from '../native/native.js';

/** SeqpacketHandlers receive what arrives on a SOCK_SEQPACKET connection. */
export interface SeqpacketHandlers {
  /** One message, its boundaries kept. */
  message(msg: Buffer): void;
  /** The connection is over: the peer closed it, close() was called (no error), or it broke. Called once. */
  end(err?: Error): void;
}

/** SeqpacketConnection is a connected SOCK_SEQPACKET unix socket. */
export interface SeqpacketConnection {
  /** send writes one message; the callback runs once the kernel has it (backpressure for the writer). */
  send(msg: Buffer, cb: (err?: Error) => void): void;
  /** shutdownWrite half-closes the connection once queued messages are sent (the peer reads EOF). */
  shutdownWrite(cb: (err?: Error) => void): void;
  /** close drops the connection at once; queued sends fail, and `end()` follows (if it has not come yet). */
  close(): void;
  /** pause stops reading until resume (the peer's sends block once the socket buffer fills); optional for fakes. */
  pause?(): void;
  /** resume restarts reading after pause. */
  resume?(): void;
}

/** SeqpacketConnect opens a connection to the socket at `socketPath`. */
export type SeqpacketConnect = (socketPath: string, handlers: SeqpacketHandlers) => Promise<SeqpacketConnection>;

// sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
const SUN_PATH_MAX = 107;

interface PendingSend {
  readonly msg: Buffer;
  readonly cb: (err?: Error) => void;
}

/**
 * connectSeqpacket is the SeqpacketConnect of wharf's native addon (Node itself has no SOCK_SEQPACKET). Paths longer
 * than sun_path allows (an exec session's attach socket can be) are reached through /proc/self/fd/<dirfd>/<name>,
 * with the directory held open only while connecting. Connect errors carry the errno code (ENOENT, ECONNREFUSED).
 *
 * connect(2) succeeds as soon as the connection is queued at the listener, before the server accepts it. A monitor
 * that is shutting down (conmon 2.1 closes its clients, writes its exit files, then exits, closing its listener) can
 * still queue one, and the kernel resets it (ECONNRESET) when the listener closes. So the promise settles only after
 * one turn of the event loop has polled the socket: a reset by then rejects with ECONNRESET. A reset that comes later
 * (conmon took longer) cannot be told apart from a monitor that ends at once: the connection resolves, then end().
 */
export const connectSeqpacket: SeqpacketConnect = (socketPath, handlers) =>
  new Promise((resolve, reject) => {
    const conn = new NativeSeqpacketConnection(socketPath, handlers, reject);
    // The first immediate runs in this turn; the second after the next turn's poll phase has looked at the socket.
    setImmediate(() => setImmediate(() => conn.confirm() && resolve(conn)));
  });

/** openHandle connects, through the socket's directory when the path does not fit in sun_path. */
function openHandle(socketPath: string, listener: SeqpacketListener): SeqpacketHandle {
  if (Buffer.byteLength(socketPath) <= SUN_PATH_MAX) return seqpacketConnect(socketPath, listener);
  const dirFd = fs.openSync(path.dirname(socketPath), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    return seqpacketConnect(`/proc/self/fd/${dirFd}/${path.basename(socketPath)}`, listener);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Name the path the caller asked for, not the /proc alias.
    throw Object.assign(new Error(`${e.code ?? 'Error'}: cannot connect to ${socketPath}`, { cause: err }), {
      code: e.code, errno: e.errno, syscall: e.syscall, path: socketPath,
    });
  } finally {
    // connect(2) resolved the path synchronously; the directory descriptor is no longer needed.
    fs.closeSync(dirFd);
  }
}

function closedError(): Error {
  return Object.assign(new Error('seqpacket connection closed'), { code: 'ERR_SOCKET_CLOSED' });
}

/**
 * NativeSeqpacketConnection queues sends the socket cannot take yet (the handle reports when it drains), half-closes
 * after the queue, and closes the handle when the connection ends. Callbacks run on a later tick, never inside the
 * call that queued them, so a writer that sends from its callback does not grow the stack.
 */
class NativeSeqpacketConnection implements SeqpacketConnection {
  readonly #handlers: SeqpacketHandlers;
  readonly #handle: SeqpacketHandle;
  readonly #queue: PendingSend[] = [];
  #shutdownWaiters?: Array<(err?: Error) => void>;
  #writeShut = false;
  #closed = false;
  #ended = false;
  // Until confirm(), the caller has no connection: an end is held back, and a reset fails the connect.
  #confirmed = false;
  #heldEnd?: { readonly err?: Error };
  #failConnect?: (err: Error) => void;

  constructor(socketPath: string, handlers: SeqpacketHandlers, failConnect: (err: Error) => void) {
    this.#handlers = handlers;
    this.#failConnect = failConnect;
    this.#handle = openHandle(socketPath, {
      message: (msg) => {
        if (!this.#closed) this.#handlers.message(msg);
      },
      end: () => this.#finish(),
      error: (err) => this.#onError(err, socketPath),
      writable: () => this.#flush(),
    });
    this.#handle.readStart();
  }

  /** confirm hands the connection out: false when the connect failed meanwhile; a held end() comes on a later turn. */
  confirm(): boolean {
    if (this.#failConnect === undefined) return false;
    this.#failConnect = undefined;
    this.#confirmed = true;
    const held = this.#heldEnd;
    // After the caller's continuation (and any promise chain above it) has run.
    if (held !== undefined) setImmediate(() => this.#end(held.err));
    return true;
  }

  send(msg: Buffer, cb: (err?: Error) => void): void {
    if (this.#closed) return process.nextTick(cb, closedError());
    if (this.#writeShut || this.#shutdownWaiters !== undefined) {
      return process.nextTick(cb, Object.assign(new Error('seqpacket: send after shutdownWrite'), { code: 'ERR_STREAM_WRITE_AFTER_END' }));
    }
    if (msg.length === 0) {
      // The peer would read an empty message as end-of-file.
      return process.nextTick(cb, Object.assign(new Error('seqpacket: cannot send an empty message'), { code: 'ERR_INVALID_ARG_VALUE' }));
    }
    this.#queue.push({ msg, cb });
    if (this.#queue.length === 1) this.#flush();
  }

  shutdownWrite(cb: (err?: Error) => void): void {
    if (this.#closed || this.#writeShut) return process.nextTick(cb);
    (this.#shutdownWaiters ??= []).push(cb);
    if (this.#queue.length === 0) this.#shutdownNow();
  }

  close(): void {
    if (this.#closed) return;
    this.#release();
    process.nextTick(() => this.#end());
  }

  pause(): void {
    if (!this.#closed) this.#handle.readStop();
  }

  resume(): void {
    if (!this.#closed) this.#handle.readStart();
  }

  /** #flush sends queued messages until the socket is full; a failed message fails alone (EPIPE fails them all). */
  #flush(): void {
    while (!this.#closed) {
      const next = this.#queue[0];
      if (next === undefined) break;
      let err: Error | undefined;
      try {
        if (!this.#handle.send(next.msg)) return;
      } catch (e) {
        err = e as Error;
      }
      this.#queue.shift();
      process.nextTick(next.cb, err);
    }
    if (this.#shutdownWaiters !== undefined) this.#shutdownNow();
  }

  #shutdownNow(): void {
    const waiters = this.#shutdownWaiters ?? [];
    this.#shutdownWaiters = undefined;
    this.#writeShut = true;
    let err: Error | undefined;
    try {
      this.#handle.shutdown();
    } catch (e) {
      err = e as Error;
    }
    for (const cb of waiters) process.nextTick(cb, err);
  }

  /** #release closes the handle and settles every waiting callback. */
  #release(): void {
    this.#closed = true;
    this.#handle.close();
    for (const { cb } of this.#queue.splice(0)) process.nextTick(cb, closedError());
    for (const cb of this.#shutdownWaiters ?? []) process.nextTick(cb);
    this.#shutdownWaiters = undefined;
  }

  #onError(err: NodeJS.ErrnoException, socketPath: string): void {
    if (err.code !== 'ECONNRESET') return this.#finish(err);
    const failConnect = this.#failConnect;
    if (failConnect === undefined) {
      // compat: conmon closing its end while our stdin messages are unread resets the connection (ECONNRESET);
      // that is how an attach ends when the container exits, not a failure.
      return this.#finish();
    }
    this.#failConnect = undefined;
    this.#release();
    failConnect(Object.assign(new Error(`ECONNRESET: ${socketPath}: the listener closed without accepting the connection`), {
      code: 'ECONNRESET', syscall: 'connect', path: socketPath,
    }));
  }

  #finish(err?: Error): void {
    if (!this.#closed) this.#release();
    this.#end(err);
  }

  #end(err?: Error): void {
    if (this.#ended) return;
    if (!this.#confirmed) {
      this.#heldEnd ??= { err };
      return;
    }
    this.#ended = true;
    this.#handlers.end(err);
  }
}
