import fs from 'node:fs';
import path from 'node:path';
import { rotateLogFiles } from './log-files.js';

/** LogRotationOptions configure Docker's `--log-opt max-size` / `max-file` for one container's log. */
export interface LogRotationOptions {
  /** The live log file. */
  readonly path: string;
  /** Rotate once the live file holds at least this many bytes. */
  readonly maxSize: number;
  /** How many files to keep, the live one included (Docker's max-file, ≥ 1). */
  readonly maxFiles: number;
  /** Makes the writer start a new file at `path` (ContainerRuntime.reopenLog). */
  readonly reopen: () => Promise<void>;
  /** How often to look at the file's size when no change is reported; default 1000 ms. */
  readonly pollMs?: number;
  /** Least time between two checks prompted by changes to the file; default 10 ms. */
  readonly minIntervalMs?: number;
  /** Told about failed checks (the rotation keeps running). */
  readonly onError?: (err: unknown) => void;
}

/**
 * LogRotation keeps a running container's log within max-size × max-file while the daemon runs: it looks at the
 * live file's size when inotify reports a change (at most every minIntervalMs) and periodically, and, past
 * max-size, renames the files along (`path` → `path.1` → … , dropping the
 * oldest) and asks the writer to reopen `path`. conmon can only truncate (`--log-size-max`, i.e. max-file 1), so
 * with max-file > 1 the daemon rotates and conmon just reopens. While the daemon is down the file can grow past
 * max-size; the first check after a restart rotates it. The writer keeps writing the renamed file until it has
 * reopened, so no output is lost, and readLog's follow drains the old file before moving to the new one. A fast
 * writer can pass max-size by what it writes between a check and conmon's reopen.
 */
export class LogRotation {
  readonly #opts: LogRotationOptions;
  #timer?: NodeJS.Timeout;
  #watcher?: fs.FSWatcher;
  #busy = false;
  #again = false;
  #lastCheck = 0;
  #delayed?: NodeJS.Timeout;

  constructor(opts: LogRotationOptions) {
    if (!(opts.maxSize > 0) || !Number.isInteger(opts.maxFiles) || opts.maxFiles < 1) {
      throw new RangeError(`LogRotation: maxSize must be > 0 and maxFiles ≥ 1 (got ${opts.maxSize}, ${opts.maxFiles})`);
    }
    this.#opts = opts;
  }

  /** start checks now, on every reported change and every pollMs, until stop(). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.#opts.pollMs ?? 1000);
    this.#timer.unref();
    const base = path.basename(this.#opts.path);
    try {
      this.#watcher = fs.watch(path.dirname(this.#opts.path), { persistent: false }, (_e, name) => {
        if (name === base) this.#prompt();
      });
      this.#watcher.on('error', () => this.#watcher?.close());
    } catch {
      // no inotify: the poll timer alone
    }
    this.#tick();
  }

  /** stop ends the checks. */
  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#delayed);
    this.#watcher?.close();
    this.#timer = undefined;
    this.#watcher = undefined;
  }

  // A change was reported: check now, or once minIntervalMs has passed since the last check.
  #prompt(): void {
    if (this.#delayed !== undefined || this.#timer === undefined) return;
    const wait = this.#lastCheck + (this.#opts.minIntervalMs ?? 10) - Date.now();
    if (wait <= 0) return this.#tick();
    this.#delayed = setTimeout(() => {
      this.#delayed = undefined;
      this.#tick();
    }, wait);
  }

  #tick(): void {
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.check()
      .catch((err: unknown) => this.#opts.onError?.(err))
      .finally(() => {
        if (this.#again && this.#timer !== undefined) {
          this.#again = false;
          this.#prompt();
        }
      });
  }

  /** check rotates when the live file has reached max-size; resolves true when it rotated. */
  async check(): Promise<boolean> {
    if (this.#busy) return false;
    this.#busy = true;
    this.#lastCheck = Date.now();
    try {
      let size: number;
      try {
        size = (await fs.promises.stat(this.#opts.path)).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
      if (size < this.#opts.maxSize) return false;
      const discard = await rotateLogFiles(this.#opts.path, this.#opts.maxFiles);
      await this.#opts.reopen();
      // Deleted after the reopen and without holding up the next check (see rotateLogFiles).
      fs.promises.rm(discard, { force: true }).catch((err: unknown) => this.#opts.onError?.(err));
      return true;
    } finally {
      this.#busy = false;
    }
  }
}
