// Worker-thread entry of unpackLayer (unpack.ts): receives raw tar bytes from the main thread and extracts them with
// synchronous fs calls, which are several times faster than one libuv round-trip per call and keep the daemon's
// event loop free. A worker serves one job at a time and may serve many in turn (see unpack-pool.ts): each job
// arrives as a StartJob on the worker's parent port and then speaks the protocol below over its own MessagePort,
// so bytes of a failed job still in flight can never be taken for the next job's.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { WharfError } from '../../common/errors.js';
import { LayerWriter, type UnpackStats } from './layer-writer.js';
import type { SpecialFileOps } from './special-file-ops.js';
import { extractLayerTar } from './tar-extract.js';

/** UnpackJob says what to unpack where. */
export interface UnpackJob {
  readonly target: string;
  /** opsModule is SpecialFileOps.moduleUrl: the module whose `specialFileOps` export the worker uses. */
  readonly opsModule: string;
  /** sync: flush the target's filesystem (ops.syncfs) before reporting done. */
  readonly sync: boolean;
}

/** StartJob is posted to the worker to begin a job; `port` then carries ToWorker and FromWorker messages. */
export interface StartJob {
  readonly job: UnpackJob;
  readonly port: MessagePort;
}

/** ToWorker is a message to the worker: a batch of tar bytes, or 'end' after the last one. */
export type ToWorker = Uint8Array | 'end';

/** SerializedError is a WharfError flattened for postMessage (classes do not survive structured cloning). */
export interface SerializedError {
  readonly kind: WharfError['kind'];
  readonly code: string;
  readonly message: string;
}

/** FromWorker is a message from the worker: bytes consumed (flow control), the result, or the failure. */
export type FromWorker =
  | { readonly type: 'ack'; readonly bytes: number }
  | { readonly type: 'done'; readonly stats: UnpackStats }
  | { readonly type: 'error'; readonly error: SerializedError };

/** ACK_BYTES: the worker reports consumption at least this often (in bytes), and whenever it runs dry. */
const ACK_BYTES = 4 * 1024 * 1024;

parentPort?.on('message', ({ job, port }: StartJob) => {
  runJob(job, port).then(
    (stats) => port.postMessage({ type: 'done', stats } satisfies FromWorker),
    (err: unknown) => port.postMessage({ type: 'error', error: serialize(err) } satisfies FromWorker),
  ).finally(() => port.close());
});

async function runJob(job: UnpackJob, port: MessagePort): Promise<UnpackStats> {
  const mod = (await import(job.opsModule)) as { specialFileOps?: SpecialFileOps };
  if (mod.specialFileOps === undefined) throw new Error(`${job.opsModule} does not export specialFileOps`);
  const stats = await extractLayerTar(incoming(port), new LayerWriter(job.target, mod.specialFileOps));
  if (job.sync) mod.specialFileOps.syncfs(job.target);
  return stats;
}

/** incoming yields the job's batches as Buffers, acknowledging consumed bytes so the sender stays within its window. */
async function* incoming(port: MessagePort): AsyncGenerator<Uint8Array> {
  const queue: (Uint8Array | null)[] = [];
  let wake: (() => void) | undefined;
  port.on('message', (message: ToWorker) => {
    queue.push(message === 'end' ? null : message);
    wake?.();
    wake = undefined;
  });
  let unacked = 0;
  for (;;) {
    if (queue.length === 0 && unacked > 0) {
      // Acknowledged once the extractor took the bytes; in bulk, because each message costs the busy worker time.
      port.postMessage({ type: 'ack', bytes: unacked } satisfies FromWorker);
      unacked = 0;
    }
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    const batch = queue.shift();
    if (batch === null || batch === undefined) return;
    // Structured cloning delivers a plain Uint8Array; tar-stream and the PAX reader expect Buffers.
    yield Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength);
    unacked += batch.byteLength;
    if (unacked >= ACK_BYTES) {
      port.postMessage({ type: 'ack', bytes: unacked } satisfies FromWorker);
      unacked = 0;
    }
  }
}

function serialize(err: unknown): SerializedError {
  if (err instanceof WharfError) return { kind: err.kind, code: err.code, message: err.message };
  return { kind: 'Internal', code: 'WHARF_UNPACK_FAILED', message: err instanceof Error ? err.message : String(err) };
}
