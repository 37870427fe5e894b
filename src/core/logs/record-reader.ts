import type { FileHandle } from 'node:fs/promises';
import type { LogEntry } from './log-entry.js';
import { parseLogRecords } from './log-record.js';

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** ReadStats counts what a log read skipped. */
export interface ReadStats {
  /** Records that were not of the k8s-file form, or longer than the record limit. */
  malformed: number;
}

/**
 * RecordReader reads one log file forwards in chunks and parses its complete records, carrying an incomplete
 * last record over to the next read. Memory is bounded by one chunk plus one record: a "record" longer than
 * `maxRecord` without a newline is dropped up to its newline and counted as malformed.
 */
export class RecordReader {
  readonly #chunkSize: number;
  readonly #maxRecord: number;
  readonly stats: ReadStats;
  #carry = EMPTY;
  #skipping = false;

  constructor(opts: { chunkSize?: number; maxRecord?: number; stats?: ReadStats } = {}) {
    this.#chunkSize = opts.chunkSize ?? 256 * 1024;
    this.#maxRecord = opts.maxRecord ?? 1 << 20;
    this.stats = opts.stats ?? { malformed: 0 };
  }

  /** reset forgets the carried bytes (before reading another file). */
  reset(): void {
    this.#carry = EMPTY;
    this.#skipping = false;
  }

  /**
   * read reads up to one chunk at `position` of `handle` and returns the complete records in it (with any carried
   * bytes before them) and how many bytes it read; 0 means end of file for now.
   */
  async read(handle: FileHandle, position: number, end = Infinity): Promise<{ entries: LogEntry[]; bytesRead: number }> {
    const length = Math.min(this.#chunkSize, end - position);
    if (length <= 0) return { entries: [], bytesRead: 0 };
    const chunk = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(chunk, 0, length, position);
    if (bytesRead === 0) return { entries: [], bytesRead };
    let buf = chunk.subarray(0, bytesRead);
    if (this.#skipping) {
      const nl = buf.indexOf(NEWLINE);
      if (nl < 0) return { entries: [], bytesRead };
      this.#skipping = false;
      buf = buf.subarray(nl + 1);
    }
    if (this.#carry.length > 0) buf = Buffer.concat([this.#carry, buf]);
    const entries: LogEntry[] = [];
    const next = parseLogRecords(buf, 0, entries, this.stats);
    this.#carry = next === buf.length ? EMPTY : Buffer.from(buf.subarray(next));
    if (this.#carry.length > this.#maxRecord) {
      this.stats.malformed++;
      this.#carry = EMPTY;
      this.#skipping = true;
    }
    return { entries, bytesRead };
  }
}
