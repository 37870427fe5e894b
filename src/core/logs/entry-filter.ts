import { compareLogTime } from './log-entry.js';
import type { LogEntry, LogStream, LogTime } from './log-entry.js';
import { parseLogTime } from './log-time.js';

/** EntryFilterOptions select and shape the entries of a log read. */
export interface EntryFilterOptions {
  /** Keep entries at or after this instant (Docker's `since`). */
  readonly since?: LogTime;
  /** Keep entries at or before this instant and stop at the first later one (Docker's `until`). */
  readonly until?: LogTime;
  /** Join `P` records with the rest of their line (default true). */
  readonly joinPartial?: boolean;
  /** Largest joined line; a longer one is passed on in pieces marked partial (default 1 MiB). */
  readonly maxLineBytes?: number;
}

interface Pending {
  first: LogEntry;
  parts: Buffer[];
  bytes: number;
}

function joined(p: Pending, partial: boolean): LogEntry {
  return { stream: p.first.stream, timestamp: p.first.timestamp, line: Buffer.concat(p.parts, p.bytes), partial };
}

/**
 * EntryFilter joins partial records into whole lines and applies since/until, holding at most one unfinished line
 * per stream (bounded by maxLineBytes). Entries whose time cannot be parsed pass the time filters (they are kept
 * rather than silently lost).
 */
export class EntryFilter {
  readonly #since?: LogTime;
  readonly #until?: LogTime;
  readonly #join: boolean;
  readonly #maxLine: number;
  readonly #pending = new Map<LogStream, Pending>();
  #done = false;

  constructor(opts: EntryFilterOptions = {}) {
    this.#since = opts.since;
    this.#until = opts.until;
    this.#join = opts.joinPartial ?? true;
    this.#maxLine = opts.maxLineBytes ?? 1 << 20;
  }

  /** done is true once an entry later than `until` was seen: nothing more will pass. */
  get done(): boolean {
    return this.#done;
  }

  /** push processes entries in file order and appends what passes to `out`. */
  push(entries: readonly LogEntry[], out: LogEntry[]): void {
    for (const e of entries) {
      if (this.#done) return;
      if (!this.#join) {
        this.#emit(e, out);
        continue;
      }
      const p = this.#pending.get(e.stream);
      if (p === undefined && !e.partial) {
        this.#emit(e, out);
      } else if (p === undefined) {
        this.#pending.set(e.stream, { first: e, parts: [e.line], bytes: e.line.length });
      } else {
        p.parts.push(e.line);
        p.bytes += e.line.length;
        if (!e.partial || p.bytes >= this.#maxLine) {
          this.#pending.delete(e.stream);
          this.#emit(joined(p, e.partial), out);
        }
      }
    }
  }

  /** flush passes on unfinished lines as partial entries (at the end of a read that does not follow). */
  flush(out: LogEntry[]): void {
    for (const p of this.#pending.values()) {
      if (!this.#done) this.#emit(joined(p, true), out);
    }
    this.#pending.clear();
  }

  #emit(e: LogEntry, out: LogEntry[]): void {
    if (this.#since !== undefined || this.#until !== undefined) {
      const t = parseLogTime(e.timestamp);
      if (t !== undefined) {
        if (this.#until !== undefined && compareLogTime(t, this.#until) > 0) {
          this.#done = true;
          return;
        }
        if (this.#since !== undefined && compareLogTime(t, this.#since) < 0) return;
      }
    }
    out.push(e);
  }
}
