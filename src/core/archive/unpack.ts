import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { parseDigest, type Digest } from '../../common/digest.js';
import { WharfError } from '../../common/errors.js';
import { LayerWriter, type UnpackStats } from './layer-writer.js';
import type { SpecialFileOps } from './special-file-ops.js';
import { extractLayerTar } from './tar-extract.js';
import { acquireUnpackWorker, releaseUnpackWorker } from './unpack-pool.js';
import type { FromWorker, StartJob, ToWorker, UnpackJob } from './unpack-worker.js';

/** UnpackResult is what unpackLayer learned: the tar's sha256 (the layer's diffId), file bytes and entry count. */
export interface UnpackResult {
  readonly diffId: Digest;
  readonly size: number;
  readonly entries: number;
}

/** UnpackOptions: the host operations for special files, cancellation, and whether to flush to disk at the end. */
export interface UnpackOptions {
  readonly ops: SpecialFileOps;
  readonly signal?: AbortSignal;
  /** sync: after the last entry, `ops.syncfs(target)` (in the worker), so the layer is durable when this resolves. */
  readonly sync?: boolean;
}

// Tar bytes cross to the worker in batches of BATCH bytes, with at most WINDOW bytes not yet consumed by it.
const BATCH = 1024 * 1024;
const WINDOW = 16 * 1024 * 1024;

/**
 * unpackLayer extracts an uncompressed layer tar into `target`, an existing empty directory, and returns the
 * sha256 of every byte of the stream (the diffId). The rules (nothing outside target, nothing through symlinks,
 * whiteouts in overlayfs form) are LayerWriter's. When `ops.moduleUrl` is set the extraction runs in a worker
 * thread with synchronous fs calls while this thread only reads and hashes; otherwise it runs on this thread.
 *
 * On failure (WHARF_UNSAFE_LAYER, WHARF_INVALID_LAYER, WHARF_UNPACK_FAILED, the source's own error, or the abort
 * reason) `source` is destroyed and `target` is left as it is, for the caller to delete.
 */
export async function unpackLayer(source: Readable, target: string, opts: UnpackOptions): Promise<UnpackResult> {
  if (opts.signal?.aborted === true) {
    source.destroy();
    throw opts.signal.reason;
  }
  const hash = createHash('sha256');
  const stats =
    opts.ops.moduleUrl === undefined
      ? await unpackHere(source, hash, target, opts)
      : await unpackInWorker(source, hash, { target, opsModule: opts.ops.moduleUrl, sync: opts.sync === true }, opts.signal);
  return { diffId: parseDigest(`sha256:${hash.digest('hex')}`), ...stats };
}

async function unpackHere(source: Readable, hash: Hash, target: string, opts: UnpackOptions): Promise<UnpackStats> {
  const signal = opts.signal;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      const bytes = toBytes(chunk);
      hash.update(bytes);
      yield bytes;
    }
  }
  const onAbort = (): void => {
    source.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const stats = await extractLayerTar(hashed(), new LayerWriter(target, opts.ops));
    if (opts.sync === true) opts.ops.syncfs(target);
    return stats;
  } catch (err) {
    source.destroy();
    throw signal?.aborted ? signal.reason : err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function unpackInWorker(
  source: Readable,
  hash: Hash,
  job: UnpackJob,
  signal: AbortSignal | undefined,
): Promise<UnpackStats> {
  const worker = acquireUnpackWorker();
  const channel = new MessageChannel();
  worker.postMessage({ job, port: channel.port2 } satisfies StartJob, [channel.port2]);
  // Any failure stops the reading loop below by destroying the source (without an error: nobody may be listening).
  const flow = new WorkerFlow(worker, channel.port1, () => source.destroy());
  const onAbort = (): void => flow.fail(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let batch = new Uint8Array(BATCH);
    let filled = 0;
    for await (const chunk of source) {
      const bytes = toBytes(chunk);
      hash.update(bytes);
      for (let off = 0; off < bytes.length; ) {
        const n = Math.min(BATCH - filled, bytes.length - off);
        batch.set(bytes.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === BATCH) {
          await flow.send(batch);
          batch = new Uint8Array(BATCH);
          filled = 0;
        }
      }
    }
    if (filled > 0) await flow.send(batch.subarray(0, filled));
    flow.end();
    return await flow.result;
  } catch (err) {
    source.destroy();
    throw flow.failure ?? err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    flow.detach();
    // Only a worker that finished its job (success, or a layer error it reported) may serve another one; after an
    // abort, a crash or a failing source it may still be mid-job, so it ends.
    if (flow.workerIdle) releaseUnpackWorker(worker);
    else await worker.terminate();
  }
}

/** WorkerFlow is the main-thread side of one job's protocol: windowed sends and the final outcome. */
class WorkerFlow {
  readonly result: Promise<UnpackStats>;
  /** failure is the first error: the worker's, its crash, or the abort reason. */
  failure: unknown;
  /** workerIdle: the worker reported the job's end itself, so it is ready for another job. */
  workerIdle = false;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #onFailure: () => void;
  readonly #onError: (err: Error) => void;
  readonly #onExit: (code: number) => void;
  #settled = false;
  #inflight = 0;
  #resume: (() => void) | undefined;
  #reject: ((err: unknown) => void) | undefined;

  constructor(worker: Worker, port: MessagePort, onFailure: () => void) {
    this.#worker = worker;
    this.#port = port;
    this.#onFailure = onFailure;
    this.#onError = (err) => this.fail(unpackFailed(`unpack worker: ${err.message}`, err));
    this.#onExit = (code) => this.fail(unpackFailed(`unpack worker exited early (code ${code})`));
    this.result = new Promise<UnpackStats>((resolve, reject) => {
      this.#reject = reject;
      port.on('message', (m: FromWorker) => {
        if (m.type === 'ack') {
          this.#inflight -= m.bytes;
          if (this.#inflight <= WINDOW) this.#wake();
          return;
        }
        this.workerIdle = true;
        if (m.type === 'error') return this.fail(new WharfError(m.error.kind, m.error.code, m.error.message));
        this.#settled = true;
        resolve(m.stats);
      });
    });
    this.result.catch(() => undefined);
    worker.on('error', this.#onError);
    worker.on('exit', this.#onExit);
  }

  /** fail settles the outcome with err unless it is settled already, and stops the sender. */
  fail(err: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.failure = err ?? unpackFailed('unpack aborted');
    this.#reject?.(this.failure);
    this.#onFailure();
    this.#wake();
  }

  /** send posts a batch (transferring its memory) and waits while too much is still unconsumed. */
  async send(batch: Uint8Array): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.#inflight += batch.byteLength;
    this.#port.postMessage(batch satisfies ToWorker, [batch.buffer as ArrayBuffer]);
    while (this.#inflight > WINDOW && this.failure === undefined) {
      await new Promise<void>((resolve) => (this.#resume = resolve));
    }
    if (this.failure !== undefined) throw this.failure;
  }

  end(): void {
    this.#port.postMessage('end' satisfies ToWorker);
  }

  /** detach stops listening to the worker, which may go on to serve other jobs. */
  detach(): void {
    this.#worker.off('error', this.#onError);
    this.#worker.off('exit', this.#onExit);
    this.#port.close();
  }

  #wake(): void {
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }
}

function unpackFailed(message: string, cause?: unknown): WharfError {
  return new WharfError('Internal', 'WHARF_UNPACK_FAILED', message, { cause });
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new TypeError('unpackLayer: the source must yield bytes');
}
