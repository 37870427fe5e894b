import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { ExitInfo, ExitListener, ExitWatch } from '../../core/runtime/container-runtime.js';
import { isRuntimeId } from '../../core/runtime/runtime-id.js';

/** parseExitCode reads an exit file's content: conmon writes the status in decimal, no newline; undefined otherwise. */
export function parseExitCode(text: string): number | undefined {
  const t = text.trim();
  return /^-?\d{1,10}$/.test(t) ? Number(t) : undefined;
}

/**
 * readExitFile reads the exit record conmon left: the exit code from `exitFile` (its mtime is the exit time, since
 * conmon writes it right after reaping the process) and whether `oomFile` exists. Undefined while there is no
 * complete exit file.
 */
export async function readExitFile(exitFile: string, oomFile: string): Promise<ExitInfo | undefined> {
  let text: string;
  let mtime: Date;
  try {
    const handle = await fsp.open(exitFile, 'r');
    try {
      mtime = (await handle.stat()).mtime;
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(32), 0, 32, 0);
      text = buffer.toString('latin1', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const exitCode = parseExitCode(text);
  if (exitCode === undefined) return undefined;
  const oomKilled = await fsp.access(oomFile).then(() => true, () => false);
  return { exitCode, exitedAt: mtime, oomKilled };
}

/** ExitWatcherOptions configure an ExitWatcher. */
export interface ExitWatcherOptions {
  /** The directory conmon writes exit files into (`--exit-dir`). */
  readonly dir: string;
  /** Reads the record of `id` (readExitFile with the container's oom file). */
  readonly read: (id: string) => Promise<ExitInfo | undefined>;
  /** Whether `id` is a container of ours: filters out conmon's temporary files (`<id>.XXXXXX`, renamed into place). */
  readonly known: (id: string) => Promise<boolean>;
  /** Report exit files already present at start. */
  readonly existing?: boolean;
  /** Rescan interval, the safety net for missed inotify events; default 2000 ms. */
  readonly pollMs?: number;
  /** Told about scan errors (the watch keeps going). */
  readonly onError?: (err: unknown) => void;
}

/**
 * ExitWatcher reports each exit file once (per content and mtime; a re-created container's next exit is new): inotify
 * on the exit directory for promptness, a periodic rescan for what inotify may miss.
 */
export class ExitWatcher implements ExitWatch {
  readonly #opts: ExitWatcherOptions;
  readonly #listener: ExitListener;
  readonly #seen = new Map<string, string>();
  #watcher?: fs.FSWatcher;
  #timer?: NodeJS.Timeout;
  #closed = false;

  constructor(listener: ExitListener, opts: ExitWatcherOptions) {
    this.#listener = listener;
    this.#opts = opts;
  }

  /** start begins watching; resolves after the first scan (existing exits are then reported or marked seen). */
  async start(): Promise<void> {
    try {
      this.#watcher = fs.watch(this.#opts.dir, { persistent: false }, (_event, name) => {
        if (name !== null && isRuntimeId(name)) void this.#check(name);
      });
      this.#watcher.on('error', (err) => this.#opts.onError?.(err));
    } catch (err) {
      this.#opts.onError?.(err);
    }
    await this.#scan(this.#opts.existing === true);
    if (this.#closed) return;
    this.#timer = setInterval(() => void this.#scan(true), this.#opts.pollMs ?? 2000);
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    clearInterval(this.#timer);
  }

  async #scan(report: boolean): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(this.#opts.dir);
    } catch (err) {
      this.#opts.onError?.(err);
      return;
    }
    const present = new Set(names);
    for (const id of this.#seen.keys()) if (!present.has(id)) this.#seen.delete(id);
    for (const name of names) if (isRuntimeId(name)) await this.#check(name, report);
  }

  async #check(id: string, report = true): Promise<void> {
    if (this.#closed) return;
    try {
      const exit = await this.#opts.read(id);
      if (exit === undefined || !(await this.#opts.known(id))) return;
      const key = `${exit.exitCode}@${exit.exitedAt.getTime()}`;
      if (this.#seen.get(id) === key || this.#closed) return;
      this.#seen.set(id, key);
      if (report) this.#listener(id, exit);
    } catch (err) {
      this.#opts.onError?.(err);
    }
  }
}
