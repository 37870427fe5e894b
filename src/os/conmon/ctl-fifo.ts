import fs from 'node:fs/promises';
import { WharfError } from '../../common/errors.js';
import type { TerminalSize } from '../../core/runtime/container-runtime.js';

// conmon's control messages: "<type> <height> <width>\n".
const WIN_RESIZE_EVENT = 1;
const REOPEN_LOGS_EVENT = 2;
// conmon 2.1.6 handles only the first line of each read(2) of the FIFO (it passes the start of its buffer for every
// line), so two messages read together would apply the first twice. Spacing writes out lets conmon read each alone.
const SPACING_MS = 20;

/** resizeMessage is the ctl line that sets the pty's window size. */
export function resizeMessage(size: TerminalSize): string {
  const ok = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 65535;
  if (!ok(size.height) || !ok(size.width)) {
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_TERMINAL_SIZE', `invalid terminal size ${size.height}x${size.width}`);
  }
  return `${WIN_RESIZE_EVENT} ${size.height} ${size.width}\n`;
}

/** REOPEN_LOG_MESSAGE is the ctl line that makes conmon start a new log file at its log path. */
export const REOPEN_LOG_MESSAGE = `${REOPEN_LOGS_EVENT} 0 0\n`;

interface Queue {
  last: Promise<void>;
  pendingResize?: string;
}

/**
 * CtlWriter writes control messages to conmon's `ctl` FIFOs, one write per message, spaced out per FIFO, with a
 * pending resize replaced by a newer one (only the last window size matters). Opening the FIFO without blocking
 * fails with ENXIO when no conmon holds its read end, i.e. the monitor is gone: Unavailable (WHARF_MONITOR_GONE).
 */
export class CtlWriter {
  readonly #queues = new Map<string, Queue>();

  /** resize queues a window-size message for the FIFO at `ctlPath`. */
  resize(ctlPath: string, size: TerminalSize): Promise<void> {
    const msg = resizeMessage(size);
    const q = this.#queue(ctlPath);
    const alreadyQueued = q.pendingResize !== undefined;
    q.pendingResize = msg;
    if (alreadyQueued) return q.last;
    return this.#enqueue(ctlPath, q, async () => {
      const latest = q.pendingResize ?? msg;
      q.pendingResize = undefined;
      await writeFifo(ctlPath, latest);
    });
  }

  /** send queues any other message (e.g. REOPEN_LOG_MESSAGE). */
  send(ctlPath: string, msg: string): Promise<void> {
    return this.#enqueue(ctlPath, this.#queue(ctlPath), () => writeFifo(ctlPath, msg));
  }

  #queue(ctlPath: string): Queue {
    let q = this.#queues.get(ctlPath);
    if (q === undefined) {
      q = { last: Promise.resolve() };
      this.#queues.set(ctlPath, q);
    }
    return q;
  }

  #enqueue(ctlPath: string, q: Queue, job: () => Promise<void>): Promise<void> {
    const run = q.last.catch(() => undefined).then(job);
    const tail: Promise<void> = run
      .then(() => new Promise<void>((r) => setTimeout(r, SPACING_MS)), () => undefined)
      .finally(() => {
        if (this.#queues.get(ctlPath)?.last === tail) this.#queues.delete(ctlPath);
      });
    q.last = tail;
    return run;
  }
}

async function writeFifo(ctlPath: string, msg: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(ctlPath, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENXIO' || code === 'ENOENT') {
      throw new WharfError('Unavailable', 'WHARF_MONITOR_GONE', `the container's monitor is not running (${ctlPath}: ${code})`, { cause: err });
    }
    throw err;
  }
  try {
    await handle.write(msg);
  } finally {
    await handle.close();
  }
}
