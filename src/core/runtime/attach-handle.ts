import type { Readable, Writable } from 'node:stream';

/**
 * AttachHandle is one client's connection to a container's (or exec process's) standard streams, through its
 * monitor. Output produced while attached arrives on `stdout` and `stderr` kept apart (with a pty everything is
 * on `stdout`); bytes written to `stdin` go to the process; `stdin.end()` signals EOF (the process sees its stdin
 * closed when the container was created with stdinOnce, or for exec). Both output streams end when the monitor
 * closes the connection, which it does when the process exits; `closed` settles then.
 *
 * Consumers must read `stdout` and `stderr` (or detach): the daemon holds at most a bounded amount of unread
 * output per client (ATTACH_BUFFER_LIMIT in os/conmon); a client that falls further behind is disconnected and
 * `closed` rejects with WHARF_ATTACH_OVERRUN. The container's log is unaffected.
 */
export interface AttachHandle {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** The process's stdin, present when attached with `stdin: true`. */
  readonly stdin?: Writable;
  /** Settles when the connection is gone: resolved on a normal end, rejected when it broke (e.g. WHARF_ATTACH_OVERRUN). */
  readonly closed: Promise<void>;
  /** detach drops the connection at once (Docker's detach keys); the process keeps running. */
  detach(): void;
}
