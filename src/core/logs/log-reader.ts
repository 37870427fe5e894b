import fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { EntryFilter } from './entry-filter.js';
import type { EntryFilterOptions } from './entry-filter.js';
import { FileWaker } from './file-waker.js';
import type { LogEntry } from './log-entry.js';
import { logFileSet } from './log-files.js';
import { findTailStart } from './log-tail.js';
import { RecordReader } from './record-reader.js';
import type { ReadStats } from './record-reader.js';

/** ReadLogOptions select what readLog returns (Docker's logs parameters) and how it follows the file. */
export interface ReadLogOptions extends EntryFilterOptions {
  /** The live log file; its rotated predecessors `path.N` … `path.1` are read first. */
  readonly path: string;
  /** Only the last `tail` lines (before since/until apply, as Docker does); undefined or negative: all. */
  readonly tail?: number;
  /** Keep reading as the container writes, across rotation and truncation, until `stop`, `until` or abort. */
  readonly follow?: boolean;
  /** When following: once this settles, read what is left and end (the container stopped). */
  readonly stop?: Promise<unknown>;
  /** Ends the read at once (the client went away). */
  readonly signal?: AbortSignal;
  /** Read size; default 256 KiB (larger reads cost fewer round trips; reading runs at ~500 MB/s). */
  readonly chunkSize?: number;
  /** Follow's safety-net poll interval when no inotify event comes; default 1000 ms. */
  readonly pollMs?: number;
  /** Counts skipped malformed records. */
  readonly stats?: ReadStats;
}

interface OpenFile {
  readonly path: string;
  readonly handle: FileHandle;
  readonly size: number;
  readonly ino: number;
}

async function openLog(path: string): Promise<OpenFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const st = await handle.stat();
  return { path, handle, size: st.size, ino: st.ino };
}

/**
 * readLog reads a container's k8s-file log (and its rotated files) in batches of entries, oldest first, with
 * Docker's tail/since/until semantics and optional following. Memory is bounded: files are read in chunks, tail
 * scans backwards, and the consumer's pace drives reading (nothing is read ahead of the next `next()`).
 *
 * ```ts
 * for await (const batch of readLog({ path, tail: 100, follow: true, stop: exited, signal })) send(batch);
 * ```
 */
export async function* readLog(opts: ReadLogOptions): AsyncGenerator<LogEntry[], void, undefined> {
  const files: OpenFile[] = [];
  try {
    for (const p of await logFileSet(opts.path)) {
      const f = await openLog(p);
      if (f !== undefined) files.push(f);
    }
    const start = opts.tail === undefined || opts.tail < 0
      ? { file: 0, offset: 0 }
      : await findTailStart(files, opts.tail, opts.chunkSize);
    const filter = new EntryFilter(opts);
    const reader = new RecordReader({ chunkSize: opts.chunkSize, stats: opts.stats });
    let last: { file: OpenFile; position: number } | undefined;
    for (let i = start.file; i < files.length; i++) {
      const file = files[i] as OpenFile;
      reader.reset();
      // Without follow, the logs are what the files held when the request came: a writer that keeps appending must
      // not stretch `--tail 1` into two lines, nor a plain read into a chase of a growing file.
      const end = opts.follow === true ? Infinity : file.size;
      const position = yield* drain(file, i === start.file ? start.offset : 0, reader, filter, opts.signal, end);
      if (filter.done || opts.signal?.aborted) return;
      last = { file, position };
    }
    if (opts.follow === true) {
      const live = last?.file.path === opts.path ? last : undefined;
      yield* follow(opts, live, reader, filter);
      return;
    }
    const rest: LogEntry[] = [];
    filter.flush(rest);
    if (rest.length > 0) yield rest;
  } finally {
    await Promise.all(files.map((f) => f.handle.close().catch(() => undefined)));
  }
}

/** drain reads `file` from `position` to `end` (or its current end), yielding filtered batches; returns where it stopped. */
async function* drain(file: OpenFile, position: number, reader: RecordReader, filter: EntryFilter, signal?: AbortSignal, end = Infinity): AsyncGenerator<LogEntry[], number, undefined> {
  for (;;) {
    if (signal?.aborted || filter.done) return position;
    const { entries, bytesRead } = await reader.read(file.handle, position, end);
    if (bytesRead === 0) return position;
    position += bytesRead;
    const out: LogEntry[] = [];
    filter.push(entries, out);
    if (out.length > 0) yield out;
  }
}

async function statIno(path: string): Promise<{ ino: number; size: number } | undefined> {
  try {
    const st = await fs.stat(path);
    return { ino: st.ino, size: st.size };
  } catch {
    return undefined;
  }
}

/**
 * follow keeps reading the live file. Rotation (a new inode at `path`): drain the old file — the writer may have
 * written to it until it reopened — then continue at the start of the new one. Truncation in place (size below our
 * position): continue from the start. A missing file (between a rename and the writer's reopen): wait.
 */
async function* follow(opts: ReadLogOptions, live: { file: OpenFile; position: number } | undefined, reader: RecordReader, filter: EntryFilter): AsyncGenerator<LogEntry[], void, undefined> {
  const untilMs = opts.until === undefined ? undefined : opts.until.sec * 1000 + opts.until.nsec / 1e6;
  const untilPassed = untilMs === undefined ? undefined
    : new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, untilMs - Date.now())).unref());
  const stop = opts.stop === undefined && untilPassed === undefined ? undefined
    : Promise.race([opts.stop ?? new Promise(() => undefined), untilPassed ?? new Promise(() => undefined)]);
  const waker = new FileWaker(opts.path, { pollMs: opts.pollMs, stop, signal: opts.signal });
  let current = live;
  try {
    for (;;) {
      const finalPass = waker.stopped;
      if (current !== undefined) current.position = yield* drain(current.file, current.position, reader, filter, opts.signal);
      if (filter.done || opts.signal?.aborted) return;
      waker.arm();
      const now = await statIno(opts.path);
      if (now !== undefined && now.ino !== current?.file.ino) {
        waker.disarm();
        if (current !== undefined) {
          yield* drain(current.file, current.position, reader, filter, opts.signal);
          await current.file.handle.close().catch(() => undefined);
        }
        const next = await openLog(opts.path);
        current = next === undefined ? undefined : { file: next, position: 0 };
        reader.reset();
        continue;
      }
      if (current !== undefined && now !== undefined && now.size < current.position) {
        waker.disarm();
        current.position = 0;
        reader.reset();
        continue;
      }
      if (current !== undefined && now !== undefined && now.size > current.position) {
        waker.disarm();
        continue;
      }
      if (finalPass) return;
      await waker.wait();
      waker.disarm();
    }
  } finally {
    waker.close();
    if (current !== undefined && current.file !== live?.file) await current.file.handle.close().catch(() => undefined);
  }
}
