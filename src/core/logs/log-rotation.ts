import fs from 'node:fs/promises';
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
  /** How often to look at the file's size; default 1000 ms. */
  readonly pollMs?: number;
  /** Told about failed checks (the rotation keeps running). */
  readonly onError?: (err: unknown) => void;
}

/**
 * LogRotation keeps a running container's log within max-size × max-file while the daemon runs: it looks at the
 * live file's size periodically and, past max-size, renames the files along (`path` → `path.1` → … , dropping the
 * oldest) and asks the writer to reopen `path`. conmon can only truncate (`--log-size-max`, i.e. max-file 1), so
 * with max-file > 1 the daemon rotates and conmon just reopens. While the daemon is down the file can grow past
 * max-size; the first check after a restart rotates it. The writer keeps writing the renamed file until it has
 * reopened, so no output is lost, and readLog's follow drains the old file before moving to the new one.
 */
export class LogRotation {
  readonly #opts: LogRotationOptions;
  #timer?: NodeJS.Timeout;
  #busy = false;

  constructor(opts: LogRotationOptions) {
    if (!(opts.maxSize > 0) || !Number.isInteger(opts.maxFiles) || opts.maxFiles < 1) {
      throw new RangeError(`LogRotation: maxSize must be > 0 and maxFiles ≥ 1 (got ${opts.maxSize}, ${opts.maxFiles})`);
    }
    this.#opts = opts;
  }

  /** start checks now and then every pollMs until stop(). */
  start(): void {
    if (this.#timer !== undefined) return;
    const tick = (): void => {
      this.check().catch((err: unknown) => this.#opts.onError?.(err));
    };
    this.#timer = setInterval(tick, this.#opts.pollMs ?? 1000);
    this.#timer.unref();
    tick();
  }

  /** stop ends the periodic checks. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** check rotates when the live file has reached max-size; resolves true when it rotated. */
  async check(): Promise<boolean> {
    if (this.#busy) return false;
    this.#busy = true;
    try {
      let size: number;
      try {
        size = (await fs.stat(this.#opts.path)).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
      if (size < this.#opts.maxSize) return false;
      await rotateLogFiles(this.#opts.path, this.#opts.maxFiles);
      await this.#opts.reopen();
      return true;
    } finally {
      this.#busy = false;
    }
  }
}
