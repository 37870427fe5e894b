// TEST-ONLY: an in-memory AttachHandle for unit tests. Only *.test.ts files may import this module.
import { PassThrough, Writable } from 'node:stream';
import type { AttachHandle } from '../../core/runtime/attach-handle.js';
import type { AttachOptions, ExecOptions, ExecSession, RuntimeState, TerminalSize } from '../../core/runtime/container-runtime.js';
import type { ContainerRecord } from './container-record.js';
import { noSuchContainer } from './container-errors.js';

/** FakeAttach is an AttachHandle whose process side a test drives: write output, read stdin, end it. */
export interface FakeAttach extends AttachHandle {
  readonly stdout: PassThrough;
  readonly stderr: PassThrough;
  /** What the client sent to the process's stdin so far. */
  readonly received: Buffer[];
  /** True once the client ended the process's stdin. */
  stdinEnded: boolean;
  detached: boolean;
  /** exit ends both outputs, as the monitor does when the process exits. */
  exit(): void;
}

/** fakeAttach makes a FakeAttach (with a stdin when `stdin`). */
export function fakeAttach(stdin = true): FakeAttach {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const received: Buffer[] = [];
  let closeResolve: () => void = () => undefined;
  const closed = new Promise<void>((r) => (closeResolve = r));
  const handle: FakeAttach = {
    stdout,
    stderr,
    received,
    stdinEnded: false,
    detached: false,
    closed,
    stdin: stdin
      ? new Writable({
          write(chunk: Buffer, _e, cb) {
            received.push(chunk);
            cb();
          },
          final(cb) {
            handle.stdinEnded = true;
            cb();
          },
        })
      : undefined,
    detach() {
      handle.detached = true;
      stdout.destroy();
      stderr.destroy();
      closeResolve();
    },
    exit() {
      stdout.end();
      stderr.end();
      closeResolve();
    },
  };
  return handle;
}

/** collect returns a Writable that keeps what it is given, and the bytes so far. */
export function collect(): { writable: Writable; text: () => string } {
  const parts: Buffer[] = [];
  const writable = new Writable({
    write(chunk: Buffer, _e, cb) {
      parts.push(chunk);
      cb();
    },
  });
  return { writable, text: () => Buffer.concat(parts).toString() };
}

/** MemoryStore is an in-memory stand-in for ContainerStore's lookup and update. */
export class MemoryStore {
  readonly records = new Map<string, ContainerRecord>();

  constructor(records: readonly ContainerRecord[] = []) {
    for (const r of records) this.records.set(r.id, r);
  }

  get(ref: string): ContainerRecord {
    const r = this.find(ref);
    if (r === undefined) throw noSuchContainer(ref);
    return r;
  }

  find(ref: string): ContainerRecord | undefined {
    return this.records.get(ref) ?? [...this.records.values()].find((r) => r.name === ref || (ref.length >= 3 && r.id.startsWith(ref)));
  }

  byId(id: string): ContainerRecord | undefined {
    return this.records.get(id);
  }

  list(): ContainerRecord[] {
    return [...this.records.values()];
  }

  async update(id: string, fn: (r: ContainerRecord) => ContainerRecord): Promise<ContainerRecord> {
    const r = this.get(id);
    const next = fn(r);
    this.records.set(id, next);
    return next;
  }

  /** setStatus changes a record's run status in place. */
  setStatus(id: string, status: ContainerRecord['state']['status']): void {
    const r = this.get(id);
    this.records.set(id, { ...r, state: { ...r.state, status, ...(status === 'running' ? { startedAt: new Date().toISOString() } : {}) } });
  }
}

/** FakeExec is an exec the FakeStreamRuntime started: its options and the session's process side. */
export interface FakeExec {
  readonly containerId: string;
  readonly opts: ExecOptions;
  readonly io: FakeAttach | undefined;
  /** exit ends the output and resolves `exited` with the code. */
  exit(code: number): void;
  readonly resizes: TerminalSize[];
}

/** FakeStreamRuntime is the part of ContainerRuntime the stream services use, driven by tests. */
export class FakeStreamRuntime {
  readonly attaches: { id: string; opts: AttachOptions; handle: FakeAttach }[] = [];
  readonly execs: FakeExec[] = [];
  readonly resizes: { id: string; size: TerminalSize; execId?: string }[] = [];
  readonly states = new Map<string, RuntimeState>();
  /** When set, exec fails with this error. */
  execError: Error | undefined;
  /** When set, attach fails with this error. */
  attachError: Error | undefined;
  /** Called for each exec that started (tests drive it from here). */
  onExec: (e: FakeExec) => void = () => undefined;
  #pid = 1000;

  async attach(id: string, opts: AttachOptions): Promise<AttachHandle> {
    if (this.attachError !== undefined) throw this.attachError;
    const handle = fakeAttach(opts.stdin);
    this.attaches.push({ id, opts, handle });
    return handle;
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    return this.states.get(id);
  }

  async resize(id: string, size: TerminalSize, execId?: string): Promise<void> {
    this.resizes.push({ id, size, ...(execId ? { execId } : {}) });
  }

  async exec(id: string, opts: ExecOptions): Promise<ExecSession> {
    if (this.execError !== undefined) throw this.execError;
    const io = opts.attach ? fakeAttach(opts.stdin) : undefined;
    let resolveExit: (v: { exitCode: number }) => void = () => undefined;
    const exited = new Promise<{ exitCode: number }>((r) => (resolveExit = r));
    const resizes: TerminalSize[] = [];
    const e: FakeExec = {
      containerId: id,
      opts,
      io,
      resizes,
      exit: (code) => {
        io?.exit();
        resolveExit({ exitCode: code });
      },
    };
    this.execs.push(e);
    const pid = ++this.#pid;
    queueMicrotask(() => this.onExec(e));
    return { execId: opts.execId, pid, ...(io ? { io } : {}), exited, resize: async (size) => void resizes.push(size) };
  }
}

/** EventRecorder keeps published events. */
export class EventRecorder {
  readonly events: { action: string; id: string; attributes: Readonly<Record<string, string>> }[] = [];

  publish(e: { action: string; actor: { id: string; attributes: Readonly<Record<string, string>> } }): void {
    this.events.push({ action: e.action, id: e.actor.id, attributes: e.actor.attributes });
  }

  actions(): string[] {
    return this.events.map((e) => e.action);
  }
}

/** QUIET_LOG discards log lines. */
export const QUIET_LOG = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
