import fs from 'node:fs/promises';
import path from 'node:path';
import { WharfError } from '../../common/errors.js';
import type { AttachHandle } from '../../core/runtime/attach-handle.js';
import type {
  AttachOptions, ContainerRuntime, CreateOptions, Created, ExecOptions, ExecSession, ExitInfo, ExitListener, ExitWatch,
  RuntimeState, TerminalSize,
} from '../../core/runtime/container-runtime.js';
import { writeFileAtomic } from '../../core/durable/atomic-file.js';
import { readMountInfo } from '../mount/mountinfo.js';
import { isAlive } from '../proc/proc-stat.js';
import { readPidFile } from '../proc/pid-file.js';
import { Runc } from '../runc/runc.js';
import { AttachSession } from './attach-session.js';
import { conmonCreateArgs } from './conmon-args.js';
import type { ConmonBase } from './conmon-args.js';
import { spawnConmon } from './conmon-process.js';
import { CtlWriter, REOPEN_LOG_MESSAGE } from './ctl-fifo.js';
import { ExecRootLayout, MONITOR_FILES as F } from './exec-root-layout.js';
import { startExec } from './exec-session.js';
import { ExitWatcher, readExitFile } from './exit-files.js';
import { monitorError } from './monitor-error.js';
import { connectSeqpacket } from './seqpacket.js';
import type { SeqpacketConnect } from './seqpacket.js';

/** ConmonRuntimeOptions configure ConmonRuntime (daemon config: --exec-root, --runtime). */
export interface ConmonRuntimeOptions {
  /** Where runtime state lives (default for wharfd: /run/wharf). */
  readonly execRoot: string;
  /** Default /usr/bin/conmon. */
  readonly conmonPath?: string;
  /** Default /usr/sbin/runc. */
  readonly runcPath?: string;
  /** Extra global runc flags, e.g. ['--systemd-cgroup']. */
  readonly runcArgs?: readonly string[];
  /** conmon's --log-level; default 'error'. */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** Time limit for create and exec to report; default 60 s. */
  readonly timeoutMs?: number;
  /** SOCK_SEQPACKET transport for attach sockets (tests inject one); default connectSeqpacket. */
  readonly connect?: SeqpacketConnect;
}

// Stale monitor files of a previous run of the same container ID, removed before create.
const STALE = [F.exit, F.oom, F.pid, F.conmonPid, F.runcLog, F.attach, F.ctl, F.winsz];

/**
 * ConmonRuntime is the ContainerRuntime of the host: one conmon per container (and per exec) runs runc and stays
 * with the process; runc keeps its state under `<exec-root>/runc`. See ExecRootLayout for the files.
 *
 * ```ts
 * const runtime = await ConmonRuntime.open({ execRoot: '/run/wharf' });
 * ```
 */
export class ConmonRuntime implements ContainerRuntime {
  readonly layout: ExecRootLayout;
  readonly #runc: Runc;
  readonly #conmonPath: string;
  readonly #base: ConmonBase;
  readonly #timeoutMs: number;
  readonly #connect: SeqpacketConnect;
  readonly #ctl = new CtlWriter();

  private constructor(opts: ConmonRuntimeOptions) {
    this.layout = new ExecRootLayout(opts.execRoot);
    this.#runc = new Runc({ path: opts.runcPath, root: this.layout.runcRoot, globalArgs: opts.runcArgs });
    this.#conmonPath = opts.conmonPath ?? '/usr/bin/conmon';
    this.#base = { runtimePath: this.#runc.path, runtimeArgs: this.#runc.globalArgs(), logLevel: opts.logLevel ?? 'error' };
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
    this.#connect = opts.connect ?? connectSeqpacket;
  }

  /** open creates the exec root's directories (owner-only: they hold container configs and sockets). */
  static async open(opts: ConmonRuntimeOptions): Promise<ConmonRuntime> {
    const rt = new ConmonRuntime(opts);
    const l = rt.layout;
    for (const dir of [l.root, l.runcRoot, l.exitsDir, l.tmpDir, l.containersDir]) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await fs.chmod(dir, 0o700);
    }
    return rt;
  }

  bundleDir(id: string): string {
    return this.layout.bundle(id);
  }

  async prepareBundle(id: string, spec: Readonly<Record<string, unknown>>): Promise<string> {
    const dir = this.layout.bundle(id);
    await fs.mkdir(path.join(dir, F.rootfs), { recursive: true, mode: 0o700 });
    await fs.chmod(dir, 0o700);
    await writeFileAtomic(path.join(dir, F.config), JSON.stringify(spec), 0o600);
    return dir;
  }

  async create(id: string, opts: CreateOptions): Promise<Created> {
    const bundle = this.layout.bundle(id);
    await this.#clearLeftover(id, bundle);
    const args = conmonCreateArgs({ ...this.#base, ...opts, id, bundle, exitDir: this.layout.exitsDir });
    const conmon = spawnConmon(this.#conmonPath, args, { cwd: bundle, tmpDir: this.layout.tmpDir, attachPipe: false });
    try {
      conmon.start();
      const msg = await conmon.sync.next(opts.timeoutMs ?? this.#timeoutMs).catch(async (err: Error) => {
        await Promise.race([conmon.parentExited, new Promise((r) => setTimeout(r, 1000))]);
        const runcLog = await fs.readFile(path.join(bundle, F.runcLog), 'utf8').catch(() => '');
        throw monitorError('create', id, runcLog || conmon.stderr() || err.message);
      });
      if (msg.data <= 0) throw monitorError('create', id, msg.message ?? conmon.stderr());
      await conmon.parentExited;
      const monitorPid = await readPidFile(path.join(bundle, F.conmonPid));
      return { pid: msg.data, monitorPid: monitorPid ?? 0 };
    } catch (err) {
      // A conmon that timed out may still run runc: make sure nothing of this attempt stays behind.
      await this.#runc.run('delete', id, ['delete', '--force', id]).catch(() => undefined);
      throw err;
    } finally {
      conmon.close();
    }
  }

  /** clearLeftover removes what a previous run of the same ID left: a stopped runc container, exit and pid files. */
  async #clearLeftover(id: string, bundle: string): Promise<void> {
    await fs.access(path.join(bundle, F.config)).catch((err: unknown) => {
      throw new WharfError('FailedPrecondition', 'WHARF_NO_BUNDLE', `no OCI bundle for ${id}: prepareBundle first`, { cause: err });
    });
    const existing = await this.#runc.state(id);
    if (existing !== undefined && existing.status !== 'stopped') {
      throw new WharfError('AlreadyExists', 'WHARF_RUNTIME_CONTAINER_EXISTS', `runc already has a ${existing.status} container ${id}`);
    }
    if (existing !== undefined) await this.#runc.run('delete', id, ['delete', '--force', id]);
    await fs.rm(this.layout.exitFile(id), { force: true });
    for (const name of STALE) await fs.rm(path.join(bundle, name), { force: true });
  }

  async start(id: string): Promise<void> {
    await this.#runc.run('start', id, ['start', id]);
  }

  async kill(id: string, signal: number, opts: { readonly all?: boolean } = {}): Promise<void> {
    await this.#runc.run('kill', id, ['kill', ...(opts.all === true ? ['--all'] : []), id, String(signal)]);
  }

  async delete(id: string, opts: { readonly force?: boolean } = {}): Promise<void> {
    const bundle = this.layout.bundle(id);
    try {
      await this.#runc.run('delete', id, ['delete', ...(opts.force === true ? ['--force'] : []), id]);
    } catch (err) {
      if ((err as WharfError).code !== 'WHARF_NO_SUCH_RUNTIME_CONTAINER') throw err;
    }
    await fs.rm(this.layout.exitFile(id), { force: true });
    for (const name of [F.exit, F.oom]) await fs.rm(path.join(bundle, name), { force: true });
  }

  state(id: string): Promise<RuntimeState | undefined> {
    return this.#runc.state(id);
  }

  async pause(id: string): Promise<void> {
    await this.#runc.run('pause', id, ['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.#runc.run('resume', id, ['resume', id]);
  }

  async update(id: string, resources: Readonly<Record<string, unknown>>): Promise<void> {
    await this.#runc.run('update', id, ['update', '--resources', '-', id], JSON.stringify(resources));
  }

  exec(id: string, opts: ExecOptions): Promise<ExecSession> {
    const deps = { layout: this.layout, conmonPath: this.#conmonPath, base: this.#base, connect: this.#connect, ctl: this.#ctl, timeoutMs: this.#timeoutMs };
    return startExec(deps, id, opts);
  }

  async attach(id: string, opts: AttachOptions): Promise<AttachHandle> {
    const socket = path.join(this.layout.bundle(id), F.attach);
    try {
      return await new AttachSession({ stdin: opts.stdin }).open(this.#connect, socket);
    } catch (err) {
      throw new WharfError('Unavailable', 'WHARF_MONITOR_GONE', `cannot attach to ${id}: its monitor is not running (${(err as Error).message})`, { cause: err });
    }
  }

  resize(id: string, size: TerminalSize, execId?: string): Promise<void> {
    const dir = execId === undefined ? this.layout.bundle(id) : this.layout.execDir(id, execId);
    return this.#ctl.resize(path.join(dir, F.ctl), size);
  }

  reopenLog(id: string): Promise<void> {
    return this.#ctl.send(path.join(this.layout.bundle(id), F.ctl), REOPEN_LOG_MESSAGE);
  }

  readExit(id: string): Promise<ExitInfo | undefined> {
    return readExitFile(this.layout.exitFile(id), path.join(this.layout.bundle(id), F.oom));
  }

  watchExits(listener: ExitListener, opts: { readonly existing?: boolean; readonly pollMs?: number } = {}): ExitWatch {
    const watcher = new ExitWatcher(listener, {
      dir: this.layout.exitsDir,
      read: (id) => this.readExit(id),
      known: (id) => fs.access(path.join(this.layout.bundle(id), F.config)).then(() => true, () => false),
      existing: opts.existing,
      pollMs: opts.pollMs,
    });
    void watcher.start();
    return watcher;
  }

  async isMonitorAlive(id: string): Promise<boolean> {
    const pid = await readPidFile(path.join(this.layout.bundle(id), F.conmonPid));
    return pid !== undefined && (await isAlive(pid, { comm: 'conmon' }));
  }

  list(): Promise<string[]> {
    return this.#runc.list();
  }

  async removeBundle(id: string): Promise<void> {
    const bundle = this.layout.bundle(id);
    const real = await fs.realpath(bundle).catch(() => bundle);
    const inside = (await readMountInfo()).find((m) => m.mountPoint === real || m.mountPoint.startsWith(`${real}/`));
    if (inside !== undefined) {
      throw new WharfError('FailedPrecondition', 'WHARF_BUNDLE_MOUNTED', `cannot remove the bundle of ${id}: ${inside.mountPoint} is still mounted`);
    }
    await fs.rm(bundle, { recursive: true, force: true });
  }
}
