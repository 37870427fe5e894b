import { randomBytes } from 'node:crypto';
import type { ExecSession, TerminalSize } from '../../core/runtime/container-runtime.js';
import { noSuchExec } from './exec-errors.js';

/** ExecConfig is what an exec create fixed (moby's ExecConfig), with the container's defaults applied. */
export interface ExecConfig {
  readonly containerId: string;
  /** The command: entrypoint (argv[0]) and arguments. */
  readonly argv: readonly string[];
  readonly tty: boolean;
  readonly openStdin: boolean;
  readonly openStdout: boolean;
  readonly openStderr: boolean;
  /** The detach sequence as given at create; empty means Docker's default (ctrl-p,ctrl-q). */
  readonly detachKeys: Uint8Array;
  /** The process environment (execEnv). */
  readonly env: readonly string[];
  /** The user spec: the exec's own, else the container's Config.User. */
  readonly user: string;
  /** The working directory: the exec's own, else the container's. */
  readonly workingDir: string;
  readonly privileged: boolean;
  readonly consoleSize?: TerminalSize;
}

/**
 * ExecInstance is one exec: its fixed config and its run state. It is started at most once; `started` settles when
 * the process runs (with its session) or could not be started (undefined), which is what a resize waits for.
 */
export class ExecInstance {
  readonly id: string;
  readonly config: ExecConfig;
  running = false;
  /** Set when the process ended, or could not start (126/127 as Docker records them). */
  exitCode: number | undefined;
  pid = 0;
  /** Docker's CanRemove: set by the clean-up pass once the exec has ended; removed at the next pass. */
  canRemove = false;
  session: ExecSession | undefined;
  readonly started: Promise<ExecSession | undefined>;
  #markStarted: (s: ExecSession | undefined) => void = () => undefined;

  constructor(id: string, config: ExecConfig) {
    this.id = id;
    this.config = config;
    this.started = new Promise((resolve) => (this.#markStarted = resolve));
  }

  /** begin marks the exec as running once; false when it already ran or runs (the caller reports which). */
  begin(): boolean {
    if (this.running || this.exitCode !== undefined) return false;
    this.running = true;
    return true;
  }

  /** startedWith records the running process. */
  startedWith(session: ExecSession): void {
    this.session = session;
    this.pid = session.pid;
    this.#markStarted(session);
  }

  /** finish records the end (or the failed start) of the process. */
  finish(exitCode: number): void {
    this.running = false;
    this.exitCode = exitCode;
    this.#markStarted(undefined);
  }
}

/** EXEC_GC_INTERVAL_MS is how often ended execs are cleaned up (moby's execCommandGC ticks every 5 minutes). */
export const EXEC_GC_INTERVAL_MS = 5 * 60 * 1000;

/**
 * ExecStore keeps the exec instances in memory, as dockerd does (execs do not survive a daemon restart). An ended
 * exec stays inspectable until the second clean-up pass after its end (moby: the first pass marks it CanRemove,
 * the next removes it); all of a container's execs go when the container is removed.
 */
export class ExecStore {
  readonly #execs = new Map<string, ExecInstance>();
  #timer: NodeJS.Timeout | undefined;

  /** add registers a new exec of a container and returns it; IDs are 64 random hex digits. */
  add(config: ExecConfig): ExecInstance {
    const instance = new ExecInstance(randomBytes(32).toString('hex'), config);
    this.#execs.set(instance.id, instance);
    return instance;
  }

  /** get returns an exec, or NotFound "No such exec instance: <id>". */
  get(id: string): ExecInstance {
    const e = this.#execs.get(id);
    if (e === undefined) throw noSuchExec(id);
    return e;
  }

  /** ofContainer lists the execs of a container. */
  ofContainer(containerId: string): ExecInstance[] {
    return [...this.#execs.values()].filter((e) => e.config.containerId === containerId);
  }

  /** dropContainer forgets every exec of a removed container. */
  dropContainer(containerId: string): void {
    for (const e of this.ofContainer(containerId)) this.#execs.delete(e.id);
  }

  /** sweep is one clean-up pass: removes execs marked CanRemove, marks the ended ones. */
  sweep(): number {
    let removed = 0;
    for (const [id, e] of this.#execs) {
      if (e.canRemove) {
        this.#execs.delete(id);
        removed++;
      } else if (!e.running && e.exitCode !== undefined) {
        e.canRemove = true;
      }
    }
    return removed;
  }

  /** startSweeping runs `sweep` every EXEC_GC_INTERVAL_MS (the timer does not keep the daemon alive). */
  startSweeping(intervalMs = EXEC_GC_INTERVAL_MS): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.sweep(), intervalMs);
    this.#timer.unref();
  }

  /** stopSweeping stops the clean-up timer. */
  stopSweeping(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** size is the number of execs kept. */
  get size(): number {
    return this.#execs.size;
  }
}
