// TEST-ONLY: in-memory doubles of the ContainerRuntime and Mounter ports. Only *.test.ts files may import this module.
import fs from 'node:fs/promises';
import path from 'node:path';
import { WharfError, conflict, notFound } from '../../../common/errors.js';
import type { AttachHandle } from '../../../core/runtime/attach-handle.js';
import type {
  ContainerRuntime, CreateOptions, Created, ExecSession, ExitInfo, ExitListener, ExitWatch, RuntimeState, RuntimeStatus,
} from '../../../core/runtime/container-runtime.js';
import type { Mounter } from '../../../core/runtime/mounter.js';
import type { Mount } from '../../../core/snapshot/snapshotter.js';

// Codes of failures only the doubles produce, in constants: product codes are listed in docs/errors.md, these are not.
const TEST_CODE = 'WHARF_TEST_DOUBLE';
const CREATE_FAILED = 'WHARF_RUNTIME_CREATE_FAILED';
const NOT_FOUND = 'WHARF_NO_SUCH_RUNTIME_CONTAINER';

interface FakeContainer {
  status: RuntimeStatus;
  pid: number;
  monitorAlive: boolean;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly opts: CreateOptions;
}

/**
 * FakeRuntime is a ContainerRuntime in memory. Processes run until the test ends them with `exit(id, code)` or a
 * signal does: SIGKILL always, SIGTERM unless `ignoreTerm`, any signal listed in `fatalSignals`. Exits are
 * delivered to watchers asynchronously, as the real exit watcher does.
 */
export class FakeRuntime implements ContainerRuntime {
  readonly root: string;
  readonly containers = new Map<string, FakeContainer>();
  readonly exits = new Map<string, ExitInfo>();
  readonly signals: Array<{ id: string; signal: number }> = [];
  readonly updates: Array<{ id: string; resources: Readonly<Record<string, unknown>> }> = [];
  readonly calls: string[] = [];
  /** Make `create` fail with this runtime message when argv[0] equals the key. */
  readonly createFailures = new Map<string, string>();
  ignoreTerm = false;
  fatalSignals = new Set<number>([9, 15]);
  #nextPid = 1000;
  readonly #listeners = new Set<ExitListener>();

  constructor(root: string) {
    this.root = root;
  }

  bundleDir(id: string): string {
    return path.join(this.root, 'containers', id);
  }

  async prepareBundle(id: string, spec: Readonly<Record<string, unknown>>): Promise<string> {
    const dir = this.bundleDir(id);
    await fs.mkdir(path.join(dir, 'rootfs'), { recursive: true });
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(spec));
    this.#specs.set(id, spec);
    return dir;
  }

  readonly #specs = new Map<string, Readonly<Record<string, unknown>>>();

  /** specOf returns the config.json the last prepareBundle wrote. */
  specOf(id: string): Readonly<Record<string, unknown>> | undefined {
    return this.#specs.get(id);
  }

  async create(id: string, opts: CreateOptions): Promise<Created> {
    this.calls.push(`create ${id}`);
    const existing = this.containers.get(id);
    if (existing !== undefined && existing.status !== 'stopped') {
      throw new WharfError('AlreadyExists', TEST_CODE, `runtime already has ${id}`);
    }
    const spec = this.#specs.get(id) ?? {};
    const argv0 = ((spec as { process?: { args?: string[] } }).process?.args ?? [])[0] ?? '';
    const failure = this.createFailures.get(argv0);
    if (failure !== undefined) throw new WharfError('Internal', CREATE_FAILED, failure);
    const pid = this.#nextPid++;
    this.containers.set(id, { status: 'created', pid, monitorAlive: true, spec, opts });
    this.exits.delete(id);
    return { pid, monitorPid: pid + 10_000 };
  }

  #get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (c === undefined) throw notFound(NOT_FOUND, `no runtime container ${id}`);
    return c;
  }

  async start(id: string): Promise<void> {
    this.calls.push(`start ${id}`);
    this.#get(id).status = 'running';
  }

  async kill(id: string, signal: number): Promise<void> {
    const c = this.#get(id);
    if (c.status !== 'running' && c.status !== 'paused') throw conflict(TEST_CODE, `Container ${id} is not running`);
    this.signals.push({ id, signal });
    if (signal === 9 || (this.fatalSignals.has(signal) && !(signal === 15 && this.ignoreTerm))) this.exit(id, 128 + signal);
  }

  /** exit ends a container's process with `code`, recording the exit and telling the watchers. */
  exit(id: string, code: number, opts: { oomKilled?: boolean; notify?: boolean } = {}): void {
    const c = this.#get(id);
    c.status = 'stopped';
    c.pid = 0;
    c.monitorAlive = false;
    const info: ExitInfo = { exitCode: code, exitedAt: new Date(), oomKilled: opts.oomKilled ?? false };
    this.exits.set(id, info);
    if (opts.notify === false) return;
    for (const l of this.#listeners) setImmediate(() => l(id, info));
  }

  async delete(id: string): Promise<void> {
    this.calls.push(`delete ${id}`);
    this.containers.delete(id);
    this.exits.delete(id);
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    const c = this.containers.get(id);
    return c === undefined ? undefined : { status: c.status, pid: c.pid };
  }

  async pause(id: string): Promise<void> {
    this.#get(id).status = 'paused';
  }

  async resume(id: string): Promise<void> {
    this.#get(id).status = 'running';
  }

  async update(id: string, resources: Readonly<Record<string, unknown>>): Promise<void> {
    this.#get(id);
    this.updates.push({ id, resources });
  }

  async exec(): Promise<ExecSession> {
    throw new WharfError('NotImplemented', TEST_CODE, 'FakeRuntime has no exec');
  }

  async attach(): Promise<AttachHandle> {
    throw new WharfError('NotImplemented', TEST_CODE, 'FakeRuntime has no attach');
  }

  async resize(): Promise<void> {}

  async reopenLog(): Promise<void> {}

  async readExit(id: string): Promise<ExitInfo | undefined> {
    return this.exits.get(id);
  }

  watchExits(listener: ExitListener, opts: { readonly existing?: boolean } = {}): ExitWatch {
    this.#listeners.add(listener);
    if (opts.existing === true) for (const [id, info] of this.exits) setImmediate(() => listener(id, info));
    return { close: () => this.#listeners.delete(listener) };
  }

  async isMonitorAlive(id: string): Promise<boolean> {
    return this.containers.get(id)?.monitorAlive ?? false;
  }

  async list(): Promise<string[]> {
    return [...this.containers.keys()];
  }

  async removeBundle(id: string): Promise<void> {
    await fs.rm(this.bundleDir(id), { recursive: true, force: true });
  }
}

/** FakeMounter records mounts by target; mounting an occupied target fails like a double mount would. */
export class FakeMounter implements Mounter {
  readonly mounted = new Map<string, readonly Mount[]>();
  mounts = 0;

  async mount(mounts: readonly Mount[], target: string): Promise<void> {
    if (this.mounted.has(target)) throw new WharfError('Internal', TEST_CODE, `${target} is mounted already`);
    this.mounted.set(target, mounts);
    this.mounts++;
  }

  async unmount(target: string): Promise<void> {
    this.mounted.delete(target);
  }

  async isMounted(target: string): Promise<boolean> {
    return this.mounted.has(target);
  }
}
