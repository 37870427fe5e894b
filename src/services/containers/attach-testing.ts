// TEST-ONLY: an in-memory AttachHandle for unit tests. Only *.test.ts files may import this module.
import { PassThrough, Writable } from 'node:stream';
import type { AttachHandle } from '../../core/runtime/attach-handle.js';

/** FakeAttach is an AttachHandle whose process side a test drives: write output, read stdin, end it. */
export interface FakeAttach extends AttachHandle {
  readonly stdout: PassThrough;
  readonly stderr: PassThrough;
  /** What the client sent to the process's stdin so far. */
  readonly received: Buffer[];
  /** True once the client ended the process's stdin. */
  stdinEnded: boolean;
  detached: boolean;
  /** exit ends both outputs, as the monitor does when the process exits. */
  exit(): void;
}

/** fakeAttach makes a FakeAttach (with a stdin when `stdin`). */
export function fakeAttach(stdin = true): FakeAttach {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const received: Buffer[] = [];
  let closeResolve: () => void = () => undefined;
  const closed = new Promise<void>((r) => (closeResolve = r));
  const handle: FakeAttach = {
    stdout,
    stderr,
    received,
    stdinEnded: false,
    detached: false,
    closed,
    stdin: stdin
      ? new Writable({
          write(chunk: Buffer, _e, cb) {
            received.push(chunk);
            cb();
          },
          final(cb) {
            handle.stdinEnded = true;
            cb();
          },
        })
      : undefined,
    detach() {
      handle.detached = true;
      stdout.destroy();
      stderr.destroy();
      closeResolve();
    },
    exit() {
      stdout.end();
      stderr.end();
      closeResolve();
    },
  };
  return handle;
}

/** collect returns a Writable that keeps what it is given, and the bytes so far. */
export function collect(): { writable: Writable; text: () => string } {
  const parts: Buffer[] = [];
  const writable = new Writable({
    write(chunk: Buffer, _e, cb) {
      parts.push(chunk);
      cb();
    },
  });
  return { writable, text: () => Buffer.concat(parts).toString() };
}
