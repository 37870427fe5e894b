import type { Readable } from 'node:stream';

/**
 * SyncMessage is one message conmon writes on a sync pipe (_OCI_SYNCPIPE, _OCI_ATTACHPIPE) with --api-version 1:
 * a JSON line `{"data": N}` or `{"data": N, "message": "..."}`. On the sync pipe of a create, N is the container's
 * pid, or -1 with the runtime's error text; of an exec, first the pid (or a negative number and the error), then
 * the exit code. On the attach pipe, 0 once the attach socket is ready.
 */
export interface SyncMessage {
  readonly data: number;
  readonly message?: string;
}

/** parseSyncMessage parses one line of a sync pipe; undefined when it is not such a message. */
export function parseSyncMessage(line: string): SyncMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { data, message } = parsed as { data?: unknown; message?: unknown };
  if (typeof data !== 'number' || !Number.isInteger(data)) return undefined;
  return typeof message === 'string' ? { data, message } : { data };
}

const MAX_LINE = 64 * 1024;

/**
 * SyncPipeReader turns a sync pipe's byte stream into messages, one `next()` at a time. Messages that arrive before
 * they are asked for are queued (there are at most two). It ends (next() rejects) at EOF, on a malformed line, on
 * timeout, or when a line grows past 64 KiB.
 */
export class SyncPipeReader {
  readonly #queue: SyncMessage[] = [];
  #buffer = '';
  #ended?: Error;
  #waiter?: { resolve: (m: SyncMessage) => void; reject: (e: Error) => void };

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.#onData(chunk));
    stream.on('end', () => this.#end(new Error('conmon closed the pipe without a message')));
    stream.on('error', (err) => this.#end(err));
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    for (let nl = this.#buffer.indexOf('\n'); nl >= 0; nl = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      const msg = parseSyncMessage(line);
      if (msg === undefined) {
        this.#end(new Error(`conmon wrote an unexpected message: ${JSON.stringify(line.slice(0, 200))}`));
        return;
      }
      this.#push(msg);
    }
    if (this.#buffer.length > MAX_LINE) this.#end(new Error('conmon wrote an overlong message'));
  }

  #push(msg: SyncMessage): void {
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w.resolve(msg);
    } else {
      this.#queue.push(msg);
    }
  }

  #end(err: Error): void {
    if (this.#ended !== undefined) return;
    this.#ended = err;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.reject(err);
  }

  /** next resolves with the next message, or rejects at EOF, on a protocol error or after timeoutMs (Infinity: no limit). */
  next(timeoutMs: number): Promise<SyncMessage> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    return new Promise((resolve, reject) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`conmon did not answer within ${timeoutMs} ms`));
      }, timeoutMs) : undefined;
      this.#waiter = {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }
}
