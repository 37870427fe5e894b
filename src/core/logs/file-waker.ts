import fs from 'node:fs';
import path from 'node:path';

/** WakeReason says why FileWaker.wait returned. */
export type WakeReason = 'change' | 'poll' | 'stop' | 'abort';

/**
 * FileWaker waits for a file to change: an inotify watch on its directory (which also sees the file being
 * renamed, replaced or created), a poll timer as a safety net for missed events, a stop promise and an abort signal.
 * The watch exists only while waiting, so a file written at high rate does not flood the daemon with events while
 * its reader is busy reading it; callers re-check the file after `arm()` and before `wait()` to close the gap.
 */
export class FileWaker {
  readonly #dir: string;
  readonly #base: string;
  readonly #pollMs: number;
  readonly #signal?: AbortSignal;
  #watcher?: fs.FSWatcher;
  #changed = false;
  #stopped = false;
  #wake?: (reason: WakeReason) => void;

  constructor(file: string, opts: { pollMs?: number; stop?: Promise<unknown>; signal?: AbortSignal } = {}) {
    this.#dir = path.dirname(file);
    this.#base = path.basename(file);
    this.#pollMs = opts.pollMs ?? 1000;
    this.#signal = opts.signal;
    const onStop = (): void => {
      this.#stopped = true;
      this.#wake?.('stop');
    };
    opts.stop?.then(onStop, onStop);
    opts.signal?.addEventListener('abort', () => this.#wake?.('abort'), { once: true });
  }

  /** stopped tells whether the stop promise has settled. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** arm starts watching; changes from now on make the next wait() return at once. */
  arm(): void {
    this.#changed = false;
    if (this.#watcher !== undefined) return;
    try {
      this.#watcher = fs.watch(this.#dir, { persistent: false }, (_event, name) => {
        if (name === null || name.startsWith(this.#base)) {
          this.#changed = true;
          this.#wake?.('change');
        }
      });
      this.#watcher.on('error', () => this.disarm());
    } catch {
      // No watch (directory gone, inotify limits): the poll timer still wakes us.
    }
  }

  /** disarm stops watching. */
  disarm(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  /** wait resolves on the next change since arm(), the poll interval, stop or abort, whichever comes first. */
  wait(): Promise<WakeReason> {
    if (this.#signal?.aborted) return Promise.resolve('abort');
    if (this.#stopped) return Promise.resolve('stop');
    if (this.#changed) return Promise.resolve('change');
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('poll'), this.#pollMs);
      const done = (reason: WakeReason): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve(reason);
      };
      this.#wake = done;
    });
  }

  /** close releases the watch. */
  close(): void {
    this.disarm();
    this.#wake?.('abort');
  }
}
