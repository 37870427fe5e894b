import { resolveUser } from '../../core/container/user.js';
import type { TerminalSize } from '../../core/runtime/container-runtime.js';
import { publishContainerEvent } from './attach-deps.js';
import { parseDetachKeys } from './attach-keys.js';
import { pumpStreams, type ClientStreams, type PumpOutcome } from './attach-pump.js';
import type { ContainerRecord } from './container-record.js';
import { noSuchContainer } from './container-errors.js';
import type { ContainerLifecycleListener } from './engine-context.js';
import {
  containerRestarting,
  execAlreadyRan,
  execAlreadyRunning,
  execNotStarted,
  execPaused,
  execStartTimeout,
  invalidEscapeKeys,
  noExecCommand,
  noSuchExec,
  notRunningLower,
} from './exec-errors.js';
import { execEnv } from './exec-process.js';
import { ExecStartFailure, execAction, startExecProcess } from './exec-run.js';
import { ExecStore, type ExecInstance } from './exec-store.js';
import { runProbe, type ProbeDeps, type ProbeResult } from './health-probe.js';

/** ExecCreateRequest is `POST /containers/{id}/exec`'s body in domain form. */
export interface ExecCreateRequest {
  readonly cmd: readonly string[];
  readonly attachStdin: boolean;
  readonly attachStdout: boolean;
  readonly attachStderr: boolean;
  readonly tty: boolean;
  readonly env: readonly string[];
  readonly workingDir: string;
  readonly user: string;
  readonly privileged: boolean;
  /** Docker's detach-keys notation; "" for the default. */
  readonly detachKeys: string;
  readonly consoleSize?: TerminalSize;
}

/** ExecStartRequest is `POST /exec/{id}/start`'s body in domain form. */
export interface ExecStartRequest {
  readonly detach: boolean;
  readonly consoleSize?: TerminalSize;
}

/** ExecDetails is what `GET /exec/{id}/json` reports. */
export interface ExecDetails {
  readonly id: string;
  readonly running: boolean;
  /** undefined until the process ended (or failed to start). */
  readonly exitCode?: number;
  readonly tty: boolean;
  readonly argv: readonly string[];
  readonly privileged: boolean;
  readonly user: string;
  readonly openStdin: boolean;
  readonly openStdout: boolean;
  readonly openStderr: boolean;
  readonly canRemove: boolean;
  readonly containerId: string;
  readonly detachKeys: Uint8Array;
  readonly pid: number;
}

/** ExecStartSession is an attached exec start that passed its checks: the route answers, then runs it. */
export interface ExecStartSession {
  readonly tty: boolean;
  /**
   * run starts the process and streams it; a failure after the answer went out (already started, command not
   * found...) is written to the client's stdout followed by "\r\n", as dockerd does, and never thrown.
   */
  run(client: ClientStreams, signal: AbortSignal): Promise<PumpOutcome | 'failed'>;
}

/** ExecApi is what the exec routes call (ExecService implements it). */
export interface ExecApi {
  create(ref: string, req: ExecCreateRequest): Promise<string>;
  inspect(id: string): ExecDetails;
  prepareStart(id: string, req: ExecStartRequest): Promise<ExecStartSession | undefined>;
  resize(id: string, size: TerminalSize): Promise<void>;
}

/** ExecServiceOptions configure ExecService. */
export interface ExecServiceOptions {
  /** How long a resize waits for the process to start (moby: 10 s). */
  readonly resizeWaitMs?: number;
}

/**
 * ExecService runs processes in running containers, as dockerd's exec: create fixes the command and defaults,
 * start runs it once (attached over a hijacked connection, or detached), inspect reports it, resize sets its TTY.
 * Instances live in memory and go with their container.
 */
export class ExecService implements ExecApi {
  readonly #deps: ProbeDeps;
  readonly #opts: ExecServiceOptions;
  readonly store = new ExecStore();

  constructor(deps: ProbeDeps, opts: ExecServiceOptions = {}) {
    this.#deps = deps;
    this.#opts = opts;
  }

  /** listener drops a removed container's execs. */
  get listener(): ContainerLifecycleListener {
    return { removed: (record) => this.store.dropContainer(record.id) };
  }

  /** create is `POST /containers/{id}/exec`: checks the container runs and the user exists; returns the exec ID. */
  async create(ref: string, req: ExecCreateRequest): Promise<string> {
    if (req.cmd.length === 0) throw noExecCommand();
    const record = activeContainer(this.#deps.store.get(ref), ref);
    // compat: moby looks the user up at create, so a bad --user fails before anything runs (400).
    if (req.user !== '') await resolveUser(record.paths.rootfs, req.user, record.spec.groupAdd);
    let keys: Uint8Array = new Uint8Array();
    try {
      keys = parseDetachKeys(req.detachKeys) ?? keys;
    } catch {
      throw invalidEscapeKeys(req.detachKeys);
    }
    const e = this.store.add({
      containerId: record.id,
      argv: [...req.cmd],
      tty: req.tty,
      openStdin: req.attachStdin,
      openStdout: req.attachStdout,
      openStderr: req.attachStderr,
      detachKeys: keys,
      env: execEnv(record, req.env, req.tty),
      user: req.user || record.config.user,
      workingDir: req.workingDir || record.config.workingDir,
      privileged: req.privileged,
      ...(req.consoleSize ? { consoleSize: req.consoleSize } : {}),
    });
    publishContainerEvent(this.#deps, record, execAction('exec_create', e.config.argv), { execID: e.id });
    return e.id;
  }

  /** inspect is `GET /exec/{id}/json`; an exec whose container is gone is 404, as in dockerd. */
  inspect(id: string): ExecDetails {
    const e = this.store.get(id);
    if (this.#deps.store.byId(e.config.containerId) === undefined) throw noSuchExec(id);
    const c = e.config;
    return {
      id: e.id,
      running: e.running,
      ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
      tty: c.tty,
      argv: c.argv,
      privileged: c.privileged,
      user: c.user,
      openStdin: c.openStdin,
      openStdout: c.openStdout,
      openStderr: c.openStderr,
      canRemove: e.canRemove,
      containerId: c.containerId,
      detachKeys: c.detachKeys,
      pid: e.pid,
    };
  }

  /**
   * prepareStart checks an exec start as moby's ExecExists (exec known, container present and running) before
   * the route answers. With `detach` it starts the process right away and returns undefined (errors are HTTP
   * errors then); otherwise it returns the session to run over the hijacked connection.
   */
  async prepareStart(id: string, req: ExecStartRequest): Promise<ExecStartSession | undefined> {
    const e = this.store.get(id);
    this.#execContainer(e);
    if (!req.detach) {
      return { tty: e.config.tty, run: (client, signal) => this.#runAttached(e, req, client, signal) };
    }
    const record = this.#beginOrThrow(e);
    await startExecProcess(this.#deps, record, e, { attach: false, ...(req.consoleSize ? { consoleSize: req.consoleSize } : {}) });
    return undefined;
  }

  /** resize is `POST /exec/{id}/resize`: waits (up to 10 s) for the process to start, then sets its TTY size. */
  async resize(id: string, size: TerminalSize): Promise<void> {
    const e = this.store.get(id);
    this.#execContainer(e);
    const waitMs = this.#opts.resizeWaitMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
    const session = await Promise.race([e.started, timeout]).finally(() => clearTimeout(timer));
    if (session === 'timeout') throw execStartTimeout();
    if (session === undefined) throw execNotStarted();
    await session.resize(size);
  }

  /** probe runs a health check command in a running container as an exec (see runProbe). */
  probe(record: ContainerRecord, argv: readonly string[], timeoutNs: number, signal: AbortSignal): Promise<ProbeResult> {
    return runProbe(this.#deps, this.store, record, argv, timeoutNs, signal);
  }

  /** execContainer is moby's getExecConfig: the exec's container must still exist and run. */
  #execContainer(e: ExecInstance): ContainerRecord {
    const record = this.#deps.store.byId(e.config.containerId);
    if (record === undefined) throw noSuchContainer(e.id);
    return activeContainer(record, record.id);
  }

  #beginOrThrow(e: ExecInstance): ContainerRecord {
    const record = this.#execContainer(e);
    if (e.exitCode !== undefined) throw execAlreadyRan(e.id);
    if (!e.begin()) throw execAlreadyRunning(e.id);
    return record;
  }

  async #runAttached(e: ExecInstance, req: ExecStartRequest, client: ClientStreams, signal: AbortSignal): Promise<PumpOutcome | 'failed'> {
    let record: ContainerRecord;
    let session;
    try {
      record = this.#beginOrThrow(e);
      session = await startExecProcess(this.#deps, record, e, { attach: true, ...(req.consoleSize ? { consoleSize: req.consoleSize } : {}) });
    } catch (err) {
      if (!(err instanceof ExecStartFailure)) this.#deps.log.debug({ err, execId: e.id }, 'exec start refused');
      await writeFailure(client, err);
      return 'failed';
    }
    if (session.io === undefined) return 'ended';
    const c = e.config;
    const outcome = await pumpStreams(
      session.io,
      {
        stdin: c.openStdin ? client.stdin : undefined,
        stdout: c.openStdout ? client.stdout : undefined,
        stderr: c.openStderr ? (c.tty ? client.stdout : client.stderr) : undefined,
      },
      { tty: c.tty, closeStdin: true, detachKeys: c.detachKeys, signal },
    );
    if (outcome === 'ended') {
      // compat: the exit code is recorded before the stream closes, so the CLI's inspect right after sees it.
      await session.exited.catch(() => undefined);
    } else if (outcome === 'detached') {
      publishContainerEvent(this.#deps, record, 'exec_detach', { execID: e.id });
    }
    return outcome;
  }
}

/** activeContainer is moby's getActiveContainer: running, not paused, not restarting. */
function activeContainer(record: ContainerRecord, ref: string): ContainerRecord {
  const s = record.state.status;
  if (s === 'paused') throw execPaused(ref);
  if (s === 'restarting') throw containerRestarting(record.id);
  if (s !== 'running') throw notRunningLower(record.id);
  return record;
}

async function writeFailure(client: ClientStreams, err: unknown): Promise<void> {
  const target = client.stdout;
  if (target === undefined || target.destroyed) return;
  const text = `${err instanceof Error ? err.message : String(err)}\r\n`;
  await new Promise<void>((resolve) => target.write(text, () => resolve()));
}
