import type { FileHandle } from 'node:fs/promises';
import { recordTag } from './log-record.js';

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** LogPosition is a place in a set of log files: which file (index, oldest first) and the byte offset in it. */
export interface LogPosition {
  readonly file: number;
  readonly offset: number;
}

/** TailFile is an open log file and the size to consider (a snapshot, so writes during the scan are not counted). */
export interface TailFile {
  readonly handle: FileHandle;
  readonly size: number;
}

/**
 * findTailStart returns where the last `lines` complete lines of a set of log files begin (files oldest first),
 * reading backwards in chunks so that memory stays bounded by the chunk size plus one record. A line is complete
 * with its `F` record; the `P` records before it belong to it. An unterminated last record is not counted (it is
 * being written). Fewer lines than asked → the start of the oldest file.
 */
export async function findTailStart(files: readonly TailFile[], lines: number, chunkSize = 64 * 1024, maxRecord = 1 << 20): Promise<LogPosition> {
  if (lines <= 0) {
    const last = files.length - 1;
    return last < 0 ? { file: 0, offset: 0 } : { file: last, offset: files[last]?.size ?? 0 };
  }
  let remaining = lines;
  for (let f = files.length - 1; f >= 0; f--) {
    const file = files[f];
    if (file === undefined) continue;
    const found = await tailInFile(file, remaining, chunkSize, maxRecord);
    if (found.offset !== undefined) return { file: f, offset: found.offset };
    remaining -= found.counted;
  }
  return { file: 0, offset: 0 };
}

/**
 * tailInFile scans one file backwards for the (want+1)-th complete line from its end; the tail starts right after
 * it. When the file has no more than `want` complete lines, offset is undefined and `counted` says how many it has.
 */
async function tailInFile(file: TailFile, want: number, chunkSize: number, maxRecord: number): Promise<{ offset?: number; counted: number }> {
  let end = file.size;
  let carry = EMPTY; // bytes from `end` up to the record boundary already processed
  let aligned = false; // whether buf's end is a record boundary (false until the last newline has been found)
  let counted = 0;
  while (end > 0) {
    const start = Math.max(0, end - chunkSize);
    const chunk = Buffer.allocUnsafe(end - start);
    const { bytesRead } = await file.handle.read(chunk, 0, chunk.length, start);
    const buf = carry.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([chunk.subarray(0, bytesRead), carry]);
    let i = buf.length;
    if (!aligned) {
      const nl = buf.lastIndexOf(NEWLINE);
      i = nl < 0 ? 0 : nl + 1;
      aligned = nl >= 0;
    }
    while (aligned && i > 0) {
      const prev = i >= 2 ? buf.lastIndexOf(NEWLINE, i - 2) : -1;
      if (prev < 0 && start > 0) break; // this record starts in an earlier chunk
      if (recordTag(buf, prev + 1, i - 1) === 'F') {
        if (counted === want) return { offset: start + i, counted };
        counted++;
      }
      i = prev + 1;
    }
    carry = aligned ? buf.subarray(0, i) : buf;
    if (carry.length > maxRecord) {
      // A "record" this long is not conmon's: skip it and realign on the next newline further back.
      carry = EMPTY;
      aligned = false;
    }
    end = start;
  }
  return { counted };
}
