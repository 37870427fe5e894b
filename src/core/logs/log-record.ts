import type { LogEntry, LogStream } from './log-entry.js';

const SPACE = 0x20;
const NEWLINE = 0x0a;
const STDOUT = Buffer.from('stdout');
const STDERR = Buffer.from('stderr');

function streamAt(buf: Buffer, start: number, end: number): LogStream | undefined {
  if (end - start !== 6) return undefined;
  // Compare in place; Buffer.compare over subarrays would allocate two views per record.
  const which = buf[start + 3] === 0x6f ? STDOUT : buf[start + 3] === 0x65 ? STDERR : undefined;
  if (which === undefined) return undefined;
  for (let i = 0; i < 6; i++) if (buf[start + i] !== which[i]) return undefined;
  return which === STDOUT ? 'stdout' : 'stderr';
}

/**
 * RecordEntry is the LogEntry that parsing builds: the timestamp string is made only when asked for, because most
 * reads (no since/until, no --timestamps) never look at it and building it costs as much as the rest of parsing.
 */
class RecordEntry implements LogEntry {
  readonly stream: LogStream;
  readonly line: Buffer;
  readonly partial: boolean;
  readonly #buf: Buffer;
  readonly #tsStart: number;
  readonly #tsEnd: number;

  constructor(stream: LogStream, line: Buffer, partial: boolean, buf: Buffer, tsStart: number, tsEnd: number) {
    this.stream = stream;
    this.line = line;
    this.partial = partial;
    this.#buf = buf;
    this.#tsStart = tsStart;
    this.#tsEnd = tsEnd;
  }

  get timestamp(): string {
    return this.#buf.toString('latin1', this.#tsStart, this.#tsEnd);
  }
}

// conmon's timestamps are always 35 characters (nanoseconds and a ±HH:MM offset): try that layout before searching.
const CONMON_TS = 35;

function firstSpace(buf: Buffer, start: number, end: number): number {
  if (start + CONMON_TS < end && buf[start + CONMON_TS] === SPACE) return start + CONMON_TS;
  for (let i = start; i < end; i++) if (buf[i] === SPACE) return i;
  return -1;
}

/**
 * parseLogRecord parses one k8s-file record held in buf[start, end) (without its newline):
 * `<time> <stream> <tags> <bytes>`, where tags is `F` or `P` optionally followed by `:`-separated extra tags (CRI
 * format). The content may be empty, with or without the separating space. Undefined when malformed.
 */
export function parseLogRecord(buf: Buffer, start: number, end: number): LogEntry | undefined {
  const s1 = firstSpace(buf, start, end);
  if (s1 <= start) return undefined;
  const s2 = s1 + 7; // the stream name is always 6 bytes
  if (s2 >= end || buf[s2] !== SPACE) return undefined;
  const stream = streamAt(buf, s1 + 1, s2);
  if (stream === undefined) return undefined;
  const tag = buf[s2 + 1];
  if (tag !== 0x46 && tag !== 0x50) return undefined;
  let s3 = s2 + 2;
  if (s3 < end && buf[s3] !== SPACE) {
    if (buf[s3] !== 0x3a) return undefined; // CRI extra tags: F:x:y
    while (s3 < end && buf[s3] !== SPACE) s3++;
  }
  return new RecordEntry(stream, buf.subarray(Math.min(s3 + 1, end), end), tag === 0x50, buf, start, s1);
}

/**
 * recordTag returns 'F' or 'P' for the record in buf[start, end), or undefined when it is malformed; cheaper than
 * parseLogRecord for scanning (tail counts complete lines without building entries).
 */
export function recordTag(buf: Buffer, start: number, end: number): 'F' | 'P' | undefined {
  const s1 = firstSpace(buf, start, end);
  if (s1 <= start) return undefined;
  const s2 = s1 + 7;
  if (s2 + 1 >= end || buf[s2] !== SPACE || streamAt(buf, s1 + 1, s2) === undefined) return undefined;
  const tag = buf[s2 + 1];
  return tag === 0x46 ? 'F' : tag === 0x50 ? 'P' : undefined;
}

/**
 * parseLogRecords parses every complete (newline-terminated) record in buf[from, buf.length) into `out` and returns
 * the offset just after the last complete record; the caller keeps the rest for the next read. Malformed records are
 * counted in `stats.malformed` and skipped.
 */
export function parseLogRecords(buf: Buffer, from: number, out: LogEntry[], stats: { malformed: number }): number {
  let pos = from;
  for (;;) {
    const nl = buf.indexOf(NEWLINE, pos);
    if (nl < 0) return pos;
    const entry = parseLogRecord(buf, pos, nl);
    if (entry === undefined) stats.malformed++;
    else out.push(entry);
    pos = nl + 1;
  }
}

/** formatLogRecord renders an entry as a k8s-file record including its newline (what conmon would write). */
export function formatLogRecord(entry: LogEntry): Buffer {
  const head = Buffer.from(`${entry.timestamp} ${entry.stream} ${entry.partial ? 'P' : 'F'} `, 'latin1');
  return Buffer.concat([head, entry.line, Buffer.from('\n')]);
}
