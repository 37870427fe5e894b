/** LogStream names the container stream a log entry came from. */
export type LogStream = 'stdout' | 'stderr';

/**
 * LogEntry is one record of a container log in the k8s-file format that conmon writes:
 * `<RFC 3339 time with nanoseconds and UTC offset> <stdout|stderr> <F|P> <bytes>\n`.
 */
export interface LogEntry {
  readonly stream: LogStream;
  /** The time as written, e.g. `2026-11-22T16:26:11.998627100+00:00`; see parseLogTime. */
  readonly timestamp: string;
  /** The output bytes without the record's newline. May share memory with a larger read buffer. */
  readonly line: Buffer;
  /**
   * True when the output had no newline here (conmon's `P` tag): the line continues in the next entry of the same
   * stream. False (`F`) when a newline followed, which is not part of `line`.
   */
  readonly partial: boolean;
}

/** LogTime is an instant with nanosecond precision (a JavaScript number cannot hold epoch nanoseconds exactly). */
export interface LogTime {
  /** Seconds since the Unix epoch. */
  readonly sec: number;
  /** Nanoseconds within the second, 0..999999999. */
  readonly nsec: number;
}

/** compareLogTime orders two instants: negative when a < b, 0 when equal, positive when a > b. */
export function compareLogTime(a: LogTime, b: LogTime): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

/** logTimeFromDate converts a Date (millisecond precision) to a LogTime. */
export function logTimeFromDate(d: Date): LogTime {
  const ms = d.getTime();
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: (ms - sec * 1000) * 1_000_000 };
}

/** entryBytes returns the output bytes an entry stands for: its line plus the newline a complete line had. */
export function entryBytes(entry: LogEntry): Buffer {
  return entry.partial ? entry.line : Buffer.concat([entry.line, NEWLINE]);
}

const NEWLINE = Buffer.from('\n');
