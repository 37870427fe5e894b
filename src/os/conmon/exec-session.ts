import fs from 'node:fs/promises';
import path from 'node:path';
import { WharfError } from '../../common/errors.js';
import type { ExecOptions, ExecSession, TerminalSize } from '../../core/runtime/container-runtime.js';
import { checkRuntimeId } from '../../core/runtime/runtime-id.js';
import { AttachSession } from './attach-session.js';
import { conmonExecArgs } from './conmon-args.js';
import type { ConmonBase } from './conmon-args.js';
import { spawnConmon } from './conmon-process.js';
import type { ConmonProcess } from './conmon-process.js';
import type { CtlWriter } from './ctl-fifo.js';
import { MONITOR_FILES as F } from './exec-root-layout.js';
import type { ExecRootLayout } from './exec-root-layout.js';
import { parseExitCode } from './exit-files.js';
import { monitorError } from './monitor-error.js';
import { isAlive } from '../proc/proc-stat.js';
import { readPidFile } from '../proc/pid-file.js';
import type { SeqpacketConnect } from './seqpacket.js';

/** ExecDeps is what an exec needs from its ConmonRuntime. */
export interface ExecDeps {
  readonly layout: ExecRootLayout;
  readonly conmonPath: string;
  readonly base: ConmonBase;
  readonly connect: SeqpacketConnect;
  readonly ctl: CtlWriter;
  readonly timeoutMs: number;
}

/**
 * startExec runs a process in container `id` under its own conmon (`conmon --exec`), following podman's exec
 * protocol: start byte → (with attach) wait for the attach pipe, connect the attach socket, second start byte so
 * that no output is missed → the sync pipe gives the pid, later the exit code. The session directory is removed
 * once the process has exited and its output has been delivered.
 */
export async function startExec(deps: ExecDeps, id: string, opts: ExecOptions): Promise<ExecSession> {
  const execId = checkRuntimeId(opts.execId);
  const dir = deps.layout.execDir(id, execId);
  const running = await readPidFile(path.join(dir, F.conmonPid));
  if (running !== undefined && (await isAlive(running, { comm: 'conmon' }))) {
    throw new WharfError('AlreadyExists', 'WHARF_RUNTIME_CONTAINER_EXISTS', `exec session ${execId} of ${id} is still running`);
  }
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(path.join(dir, F.execExits), { recursive: true, mode: 0o700 });
  // runc must see `terminal` match conmon's -t; the console size applies before the process starts.
  const process = { ...opts.process, terminal: opts.tty, ...(opts.consoleSize !== undefined && opts.tty ? { consoleSize: opts.consoleSize } : {}) };
  await fs.writeFile(path.join(dir, F.process), JSON.stringify(process), { mode: 0o600 });
  const args = conmonExecArgs({ ...deps.base, id, execId, dir, tty: opts.tty, stdin: opts.stdin, attach: opts.attach });
  const conmon = spawnConmon(deps.conmonPath, args, { cwd: dir, tmpDir: deps.layout.tmpDir, attachPipe: opts.attach });
  const timeout = opts.timeoutMs ?? deps.timeoutMs;
  let io: AttachSession | undefined;
  try {
    conmon.start();
    if (opts.attach) io = await attachBeforeStart(deps, conmon, dir, opts.stdin, timeout);
    const started = await conmon.sync.next(timeout).catch((err: Error) => failed(conmon, err));
    if (started.data <= 0) throw monitorError('exec', id, started.message ?? conmon.stderr());
    const exited = waitExit(conmon, dir, id, io);
    return {
      execId,
      pid: started.data,
      io,
      exited,
      resize: (size: TerminalSize) => (opts.tty ? deps.ctl.resize(path.join(dir, F.ctl), size) : Promise.resolve()),
    };
  } catch (err) {
    io?.detach();
    conmon.close();
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

async function attachBeforeStart(deps: ExecDeps, conmon: ConmonProcess, dir: string, stdin: boolean, timeout: number): Promise<AttachSession> {
  const ready = await (conmon.attach as NonNullable<ConmonProcess['attach']>).next(timeout).catch((err: Error) => failed(conmon, err));
  if (ready.data !== 0) throw monitorError('exec', '', ready.message ?? conmon.stderr());
  const io = await new AttachSession({ stdin }).open(deps.connect, path.join(dir, F.attach));
  conmon.start();
  return io;
}

/** failed turns a broken sync pipe into the clearest error at hand: what conmon printed, else the pipe's error. */
async function failed(conmon: ConmonProcess, err: Error): Promise<never> {
  await Promise.race([conmon.parentExited, new Promise((r) => setTimeout(r, 1000))]);
  const text = conmon.stderr();
  throw new WharfError('Internal', 'WHARF_RUNTIME_EXEC_FAILED', text === '' ? `conmon: ${err.message}` : `conmon: ${text}`, { cause: err });
}

/**
 * waitExit resolves with the exit code from the sync pipe (or, should the pipe break, from the session's exit file)
 * once the attach session, if any, has delivered the last output; then removes the session directory.
 */
async function waitExit(conmon: ConmonProcess, dir: string, id: string, io?: AttachSession): Promise<{ exitCode: number }> {
  let exitCode: number;
  try {
    exitCode = (await conmon.sync.next(Infinity)).data;
  } catch {
    const text = await fs.readFile(path.join(dir, F.execExits, id), 'utf8').catch(() => '');
    exitCode = parseExitCode(text) ?? -1;
  } finally {
    conmon.close();
  }
  await io?.closed.catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  return { exitCode };
}
