// Worker-thread entry of unpackLayer (unpack.ts): receives raw tar bytes from the main thread and extracts them with
// synchronous fs calls, which are several times faster than one libuv round-trip per call and keep the daemon's
// event loop free. Started with workerData: UnpackJob; speaks the protocol below.
import { parentPort, workerData } from 'node:worker_threads';
import { WharfError } from '../../common/errors.js';
import { LayerWriter, type UnpackStats } from './layer-writer.js';
import type { SpecialFileOps } from './special-file-ops.js';
import { extractLayerTar } from './tar-extract.js';

/** UnpackJob is the workerData of an unpack worker. */
export interface UnpackJob {
  readonly target: string;
  /** opsModule is SpecialFileOps.moduleUrl: the module whose `specialFileOps` export the worker uses. */
  readonly opsModule: string;
  /** sync: flush the target's filesystem (ops.syncfs) before reporting done. */
  readonly sync: boolean;
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

const port = parentPort;
if (port !== null) {
  const job = workerData as UnpackJob;
  const queue: (Uint8Array | null)[] = [];
  let wake: (() => void) | undefined;
  port.on('message', (message: ToWorker) => {
    queue.push(message === 'end' ? null : message);
    wake?.();
    wake = undefined;
  });

  const incoming = async function* (): AsyncGenerator<Uint8Array> {
    let unacked = 0;
    for (;;) {
      if (queue.length === 0 && unacked > 0) {
        // Acknowledged once the extractor took the bytes, so the main thread never runs far ahead; in bulk,
        // because each message costs the busy worker time.
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
  };

  const run = async (): Promise<UnpackStats> => {
    const mod = (await import(job.opsModule)) as { specialFileOps?: SpecialFileOps };
    if (mod.specialFileOps === undefined) throw new Error(`${job.opsModule} does not export specialFileOps`);
    const stats = await extractLayerTar(incoming(), new LayerWriter(job.target, mod.specialFileOps));
    if (job.sync) mod.specialFileOps.syncfs(job.target);
    return stats;
  };

  run().then(
    (stats) => port.postMessage({ type: 'done', stats } satisfies FromWorker),
    (err: unknown) => port.postMessage({ type: 'error', error: serialize(err) } satisfies FromWorker),
  );
}

function serialize(err: unknown): SerializedError {
  if (err instanceof WharfError) return { kind: err.kind, code: err.code, message: err.message };
  return { kind: 'Internal', code: 'WHARF_UNPACK_FAILED', message: err instanceof Error ? err.message : String(err) };
}
