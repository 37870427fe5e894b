import { Worker } from 'node:worker_threads';

// Starting a worker thread costs ~40 ms (a new V8 isolate, then loading tar-stream and the unpacker), which would
// dominate the many small layers of a typical image. Workers that finished a job cleanly wait here for the next.
const MAX_IDLE = 2;
const IDLE_MS = 30_000;

interface IdleWorker {
  readonly worker: Worker;
  readonly timer: NodeJS.Timeout;
}

const idle: IdleWorker[] = [];

/** acquireUnpackWorker returns an idle unpack worker, or starts a new one (see unpack-worker.ts). */
export function acquireUnpackWorker(): Worker {
  const entry = idle.pop();
  if (entry !== undefined) {
    clearTimeout(entry.timer);
    entry.worker.ref();
    return entry.worker;
  }
  const worker = new Worker(new URL('./unpack-worker.js', import.meta.url), {
    // A larger young generation: the worker makes short-lived garbage per entry; fewer scavenges, less CPU.
    resourceLimits: { maxYoungGenerationSizeMb: 32 },
  });
  // An idle worker that fails or exits just leaves the pool; a busy one is also watched by its job.
  worker.on('error', () => undefined);
  worker.on('exit', () => forget(worker));
  return worker;
}

/**
 * releaseUnpackWorker takes back a worker whose job ended cleanly (done, or a layer error it reported itself).
 * Idle workers do not keep the process alive and end after IDLE_MS; beyond MAX_IDLE they end at once.
 */
export function releaseUnpackWorker(worker: Worker): void {
  if (idle.length >= MAX_IDLE) {
    void worker.terminate();
    return;
  }
  worker.unref();
  const timer = setTimeout(() => {
    forget(worker);
    void worker.terminate();
  }, IDLE_MS).unref();
  idle.push({ worker, timer });
}

function forget(worker: Worker): void {
  const i = idle.findIndex((e) => e.worker === worker);
  if (i < 0) return;
  clearTimeout(idle[i]?.timer);
  idle.splice(i, 1);
}
