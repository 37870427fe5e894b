import type { Writable } from 'node:stream';
import { conflict } from '../../common/errors.js';
import { entryBytes } from '../../core/logs/log-entry.js';
import { readLog } from '../../core/logs/log-reader.js';
import type { AttachHandle } from '../../core/runtime/attach-handle.js';
import type { TerminalSize } from '../../core/runtime/container-runtime.js';
import { publishContainerEvent, type StreamDeps } from './attach-deps.js';
import { parseDetachKeys } from './attach-keys.js';
import { PendingAttaches, type PendingAttach } from './attach-pending.js';
import { pumpStreams, type ClientStreams, type PumpOutcome } from './attach-pump.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerLifecycleListener } from './engine-context.js';
import { notRunningLower } from './exec-errors.js';

/** AttachRequest is `POST /containers/{id}/attach`'s parameters. */
export interface AttachRequest {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  /** Replay the container's log first. */
  readonly logs: boolean;
  /** Stream the live output (and input) after the log. */
  readonly stream: boolean;
  /** Docker's detach-keys notation; "" means ctrl-p,ctrl-q. */
  readonly detachKeys: string;
}

/** AttachResult is how a session ended; `logs-only` when only the log was asked for. */
export type AttachResult = PumpOutcome | 'logs-only';

/**
 * AttachSession is an attach that passed every check and is connected (or waiting to be, for a container that is
 * not started yet): the route answers the client, then runs it. `tty` chooses raw output over multiplexed frames.
 */
export interface AttachSession {
  readonly containerId: string;
  readonly tty: boolean;
  /** run replays the log when asked, then streams until the session ends; it never throws for a client that left. */
  run(client: ClientStreams, signal: AbortSignal): Promise<AttachResult>;
  /** cancel releases a session that will not run (the answer could not be sent); no-op once it ran. */
  cancel(): void;
}

/** AttachApi is what the attach and resize routes call (AttachService implements it). */
export interface AttachApi {
  prepare(ref: string, req: AttachRequest): Promise<AttachSession>;
  resize(ref: string, size: TerminalSize): Promise<void>;
}

/**
 * AttachService serves attach and TTY resize for containers. Attaching to a running container connects to its
 * monitor now; attaching to a created or stopped one waits for its next start and connects in the lifecycle's
 * `created` hook, before the process runs, so the output of a `docker run` is received from its first byte.
 */
export class AttachService implements AttachApi {
  readonly #deps: StreamDeps;
  readonly #pending = new PendingAttaches();

  constructor(deps: StreamDeps) {
    this.#deps = deps;
  }

  /** listener is the lifecycle hook the container lifecycle must call (created: connect waiting clients). */
  get listener(): ContainerLifecycleListener {
    return {
      created: (record) =>
        this.#pending.connect(
          record.id,
          (opts) => this.#deps.runtime.attach(record.id, opts),
          (err) => this.#deps.log.warn({ err, containerId: record.id }, 'attach: connecting a waiting client failed'),
        ),
      removed: (record) => this.#pending.release(record.id),
    };
  }

  /**
   * prepare checks an attach in dockerd's order (detach keys, lookup, paused, restarting) and connects it.
   * The client's stdin is used only when the container keeps stdin open (OpenStdin), as in Docker.
   */
  async prepare(ref: string, req: AttachRequest): Promise<AttachSession> {
    const detachKeys = parseDetachKeys(req.detachKeys);
    const record = this.#deps.store.get(ref);
    const status = record.state.status;
    if (status === 'paused') throw conflict('WHARF_CONTAINER_STATE_CONFLICT', `container ${ref} is paused, unpause the container before attach`);
    if (status === 'restarting') throw conflict('WHARF_CONTAINER_STATE_CONFLICT', `container ${ref} is restarting, wait until the container is running`);
    const stdin = req.stdin && record.spec.openStdin;
    const connection = req.stream ? await this.#connect(record, stdin) : undefined;
    // Once running, the session owns the connection (the pump detaches it as needed); cancel is for before.
    let claimed = false;
    return {
      containerId: record.id,
      tty: record.spec.tty,
      run: (client, signal) => {
        claimed = true;
        return this.#run(record, req, { stdin, detachKeys, connection }, client, signal);
      },
      cancel: () => {
        if (claimed) return;
        claimed = true;
        connection?.cancel();
      },
    };
  }

  /** resize sets the container's TTY size (`POST /containers/{id}/resize`) and publishes Docker's resize event. */
  async resize(ref: string, size: TerminalSize): Promise<void> {
    const record = this.#deps.store.get(ref);
    if (record.state.status !== 'running' && record.state.status !== 'paused') throw notRunningLower(record.id);
    await this.#deps.runtime.resize(record.id, size);
    publishContainerEvent(this.#deps, record, 'resize', { height: String(size.height), width: String(size.width) });
  }

  /**
   * connect attaches to a live process now, or registers the client for the next start. Registration comes
   * first and the runtime is asked afterwards, so a start racing this attach either finds the client waiting or
   * has already created the container, which the runtime then reports.
   */
  async #connect(record: ContainerRecord, stdin: boolean): Promise<PendingAttach> {
    const pending = this.#pending.add(record.id, { stdin });
    const live = record.state.status === 'running' || (await this.#runtimeHas(record.id));
    if (!live) return pending;
    try {
      const handle = await this.#deps.runtime.attach(record.id, { stdin });
      // A start that raced this attach may have connected the waiting entry too: keep one connection only.
      pending.cancel();
      void pending.handle.then((extra) => extra?.detach());
      return { handle: Promise.resolve(handle), cancel: () => handle.detach() };
    } catch (err) {
      // The process exited meanwhile (its monitor is gone): like Docker, the client waits for the next start.
      if (this.#deps.store.byId(record.id)?.state.status === 'running') {
        pending.cancel();
        throw err;
      }
      return pending;
    }
  }

  async #runtimeHas(id: string): Promise<boolean> {
    const state = await this.#deps.runtime.state(id).catch(() => undefined);
    return state?.status === 'created' || state?.status === 'running';
  }

  async #run(
    record: ContainerRecord,
    req: AttachRequest,
    s: { stdin: boolean; detachKeys: Uint8Array | undefined; connection: PendingAttach | undefined },
    client: ClientStreams,
    signal: AbortSignal,
  ): Promise<AttachResult> {
    const stdout = req.stdout ? client.stdout : undefined;
    const stderr = req.stderr ? (record.spec.tty ? client.stdout : client.stderr) : undefined;
    if (req.logs) await this.#replayLog(record, stdout, stderr, signal);
    publishContainerEvent(this.#deps, record, 'attach');
    if (s.connection === undefined) return 'logs-only';
    const handle = await waitOrAbort(s.connection, signal);
    if (handle === undefined) return signal.aborted ? 'client-gone' : 'ended';
    const outcome = await pumpStreams(
      handle,
      { stdin: s.stdin ? client.stdin : undefined, stdout, stderr },
      { tty: record.spec.tty, closeStdin: record.spec.stdinOnce, detachKeys: s.detachKeys, signal },
    );
    this.#deps.log.debug({ containerId: record.id, outcome }, 'attach session ended');
    if (outcome === 'detached' || outcome === 'client-gone') publishContainerEvent(this.#deps, record, 'detach');
    return outcome;
  }

  /** replayLog writes the whole log (Docker's logs=1 with Tail -1) to the requested outputs. */
  async #replayLog(record: ContainerRecord, stdout: Writable | undefined, stderr: Writable | undefined, signal: AbortSignal): Promise<void> {
    if (record.paths.logPath === '' || (stdout === undefined && stderr === undefined)) return;
    try {
      for await (const batch of readLog({ path: record.paths.logPath, signal })) {
        for (const entry of batch) {
          const target = entry.stream === 'stderr' ? stderr : stdout;
          if (target === undefined || target.destroyed) continue;
          if (!target.write(entryBytes(entry))) await drained(target, signal);
        }
      }
    } catch (err) {
      if (!signal.aborted) this.#deps.log.warn({ err, containerId: record.id }, 'attach: reading the log failed');
    }
  }
}

function drained(target: Writable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      target.off('drain', done);
      target.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    target.on('drain', done);
    target.on('close', done);
    signal.addEventListener('abort', done);
  });
}

async function waitOrAbort(connection: PendingAttach, signal: AbortSignal): Promise<AttachHandle | undefined> {
  if (signal.aborted) {
    connection.cancel();
    return undefined;
  }
  const onAbort = (): void => connection.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await connection.handle;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
