import { WharfError, invalidArgument } from '../../common/errors.js';
import type { LogEntry, LogTime } from '../../core/logs/log-entry.js';
import { readLog } from '../../core/logs/log-reader.js';
import type { EngineContext } from './engine-context.js';

/** LogsOptions are the parameters of `GET /containers/{id}/logs`. */
export interface LogsOptions {
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly follow: boolean;
  readonly since?: LogTime;
  readonly until?: LogTime;
  /** Last N lines; undefined for all. */
  readonly tail?: number;
  readonly signal?: AbortSignal;
}

/** ContainerLogs is a log read: whether the container has a TTY (raw stream) and the entries, in batches. */
export interface ContainerLogs {
  readonly tty: boolean;
  readonly entries: AsyncIterable<LogEntry[]>;
}

async function* onlyStreams(source: AsyncIterable<LogEntry[]>, opts: LogsOptions): AsyncGenerator<LogEntry[]> {
  for await (const batch of source) {
    const kept = opts.stdout && opts.stderr ? batch : batch.filter((e) => (e.stream === 'stdout' ? opts.stdout : opts.stderr));
    if (kept.length > 0) yield kept;
  }
}

/**
 * containerLogs is `GET /containers/{id}/logs`: the container's k8s-file log (and its rotated files) with
 * Docker's tail/since/until, filtered to the streams asked for; with `follow` it keeps reading until the
 * container stops (at once when it is not running) or the client goes away. Memory stays bounded whatever the
 * log's size: entries are read in chunks as the consumer takes them.
 */
export function containerLogs(ctx: EngineContext, ref: string, opts: LogsOptions): ContainerLogs {
  const record = ctx.store.get(ref);
  if (!opts.stdout && !opts.stderr) {
    throw invalidArgument('WHARF_INVALID_PARAMETER', 'Bad parameters: you must choose at least one stream');
  }
  if (record.paths.logPath === '') {
    throw new WharfError('NotImplemented', 'WHARF_LOGS_NOT_READABLE', 'configured logging driver does not support reading');
  }
  const status = record.state.status;
  const live = status === 'running' || status === 'paused' || status === 'restarting';
  const stop = live && opts.follow ? ctx.waiters.nextExit(record.id, opts.signal).catch(() => undefined) : Promise.resolve();
  const entries = readLog({
    path: record.paths.logPath,
    follow: opts.follow,
    stop,
    ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
    ...(opts.since !== undefined ? { since: opts.since } : {}),
    ...(opts.until !== undefined ? { until: opts.until } : {}),
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
  });
  return { tty: record.spec.tty, entries: onlyStreams(entries, opts) };
}
