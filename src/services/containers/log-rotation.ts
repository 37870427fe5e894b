import { LogRotation } from '../../core/logs/log-rotation.js';
import type { ContainerRecord } from './container-record.js';
import type { EngineContext } from './engine-context.js';

/**
 * startLogRotation keeps a running container's log within `--log-opt max-size` × `max-file` when max-file > 1
 * (with max-file 1 the monitor truncates by itself). No-op without max-size or without a log.
 */
export function startLogRotation(ctx: EngineContext, record: ContainerRecord): void {
  const log = record.spec.logConfig;
  if (record.paths.logPath === '' || log.maxSize === undefined || (log.maxFile ?? 1) <= 1) return;
  stopLogRotation(ctx, record.id);
  const rotation = new LogRotation({
    path: record.paths.logPath,
    maxSize: log.maxSize,
    maxFiles: log.maxFile ?? 1,
    reopen: () => ctx.runtime.reopenLog(record.id),
    onError: (err) => ctx.log.warn({ err, containerId: record.id }, 'log rotation failed'),
  });
  ctx.rotations.set(record.id, rotation);
  rotation.start();
}

/** stopLogRotation ends a container's log rotation (it stopped). */
export function stopLogRotation(ctx: EngineContext, id: string): void {
  ctx.rotations.get(id)?.stop();
  ctx.rotations.delete(id);
}
