import { Readable, Writable } from 'node:stream';
import { WharfError } from '../../common/errors.js';
import type { AttachHandle } from '../../core/runtime/attach-handle.js';
import type { SeqpacketConnect, SeqpacketConnection } from './seqpacket.js';

/**
 * ATTACH_BUFFER_LIMIT is the most unread output the daemon holds for one attached client before dropping it: a safety
 * net only, since reading from conmon pauses while a stream's consumer is behind (conmon then blocks the container's
 * writes, as dockerd does for a slow client).
 */
export const ATTACH_BUFFER_LIMIT = 16 * 1024 * 1024;

/**
 * STDIN_MESSAGE_MAX is the largest message sent to conmon: it reads attach input with read(2) into a 32 KiB buffer
 * (CONN_SOCK_BUF_SIZE), and on a SOCK_SEQPACKET socket whatever does not fit a read is discarded.
 */
export const STDIN_MESSAGE_MAX = 32 * 1024;

// conmon's stdpipe_t: the first byte of each message it sends says which stream the rest came from.
const STDOUT_PIPE = 2;
const STDERR_PIPE = 3;

/**
 * AttachSession is an AttachHandle over conmon's attach socket: each message from conmon is one read of the
 * container's stdout (first byte 2) or stderr (3); messages the client sends are stdin bytes; a half-close
 * (shutdown of the write side) is stdin EOF. Never sends an empty message, which conmon would take for EOF.
 */
export class AttachSession implements AttachHandle {
  // A consumer asking for more resumes reading from conmon; every pause below is matched by this resume or a close.
  readonly stdout = new Readable({ read: () => this.#conn?.resume?.() });
  readonly stderr = new Readable({ read: () => this.#conn?.resume?.() });
  readonly stdin?: Writable;
  readonly closed: Promise<void>;
  readonly #limit: number;
  #conn?: SeqpacketConnection;
  #settle!: (err?: Error) => void;
  #over = false;

  constructor(opts: { stdin: boolean; bufferLimit?: number }) {
    this.#limit = opts.bufferLimit ?? ATTACH_BUFFER_LIMIT;
    this.closed = new Promise<void>((resolve, reject) => {
      this.#settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    // Nobody has to wait on `closed`; a rejection must not become an unhandled one.
    this.closed.catch(() => undefined);
    if (opts.stdin) this.stdin = this.#makeStdin();
  }

  /** open connects the session to the socket; messages that arrive are pushed to stdout/stderr. */
  async open(connect: SeqpacketConnect, socketPath: string): Promise<this> {
    this.#conn = await connect(socketPath, { message: (m) => this.#onMessage(m), end: (err) => this.#onEnd(err) });
    if (this.#over) this.#conn.close();
    return this;
  }

  detach(): void {
    if (this.#conn === undefined) this.#onEnd();
    else this.#conn.close();
  }

  #onMessage(msg: Buffer): void {
    if (this.#over || msg.length < 2) return;
    const target = msg[0] === STDOUT_PIPE ? this.stdout : msg[0] === STDERR_PIPE ? this.stderr : undefined;
    if (target === undefined) return;
    if (!target.push(msg.subarray(1))) this.#conn?.pause?.();
    if (this.stdout.readableLength + this.stderr.readableLength > this.#limit) {
      this.#onEnd(new WharfError('Unavailable', 'WHARF_ATTACH_OVERRUN', `attach client fell more than ${this.#limit} bytes behind the container's output; disconnected`));
      this.#conn?.close();
    }
  }

  #onEnd(err?: Error): void {
    if (this.#over) return;
    this.#over = true;
    for (const s of [this.stdout, this.stderr]) {
      if (err === undefined) s.push(null);
      else s.destroy(err);
    }
    this.stdin?.destroy();
    this.#settle(err);
  }

  #makeStdin(): Writable {
    const w = new Writable({
      write: (chunk: Buffer, _enc, cb) => this.#send(chunk, 0, cb),
      final: (cb) => {
        if (this.#conn === undefined || this.#over) return cb();
        this.#conn.shutdownWrite(() => cb());
      },
    });
    // Writes after the session ended fail inside the stream; callers that do not listen must not crash the daemon.
    w.on('error', () => undefined);
    return w;
  }

  #send(chunk: Buffer, offset: number, cb: (err?: Error | null) => void): void {
    // Input after the end of the session goes nowhere, as with a docker attach to a stopped container.
    if (this.#conn === undefined || this.#over || offset >= chunk.length) return cb();
    const end = Math.min(chunk.length, offset + STDIN_MESSAGE_MAX);
    this.#conn.send(chunk.subarray(offset, end), (err) => {
      if (err !== undefined) return cb();
      this.#send(chunk, end, cb);
    });
  }
}
