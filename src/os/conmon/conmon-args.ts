import path from 'node:path';
import { MONITOR_FILES as F } from './exec-root-layout.js';

/** ConmonBase is what every conmon invocation of a runtime shares. */
export interface ConmonBase {
  /** The OCI runtime binary conmon runs (runc). */
  readonly runtimePath: string;
  /** runc's global flags (--root, --log-format json, ...), each handed over as --runtime-arg. */
  readonly runtimeArgs: readonly string[];
  /** conmon's own --log-level (its messages go to syslog or nowhere once it has daemonised). */
  readonly logLevel: string;
}

/** CreateArgs describe a container for conmonCreateArgs. */
export interface CreateArgs extends ConmonBase {
  readonly id: string;
  readonly bundle: string;
  readonly exitDir: string;
  readonly logPath?: string;
  readonly logMaxSize?: number;
  readonly tty: boolean;
  readonly openStdin: boolean;
  readonly stdinOnce: boolean;
  readonly noPivot?: boolean;
}

/** ExecArgs describe an exec session for conmonExecArgs. */
export interface ExecArgs extends ConmonBase {
  readonly id: string;
  readonly execId: string;
  /** The session directory (conmon's bundle path for exec: attach socket, FIFOs, pid files). */
  readonly dir: string;
  readonly tty: boolean;
  readonly stdin: boolean;
  /** Wait for the attach handshake (_OCI_ATTACHPIPE, second start byte) before running the process. */
  readonly attach: boolean;
}

function shared(base: ConmonBase, cid: string, cuuid: string, dir: string, exitDir: string): string[] {
  return [
    '--api-version', '1',
    '-c', cid,
    '-u', cuuid,
    '-n', cuuid,
    '-r', base.runtimePath,
    '-b', dir,
    '-p', path.join(dir, F.pid),
    '--conmon-pidfile', path.join(dir, F.conmonPid),
    '--exit-dir', exitDir,
    // The persist dir gets `exit` and, on OOM, `oom`; conmon also drops an `oom` file in its working directory,
    // which is why it is started in `dir` too.
    '--persist-dir', dir,
    // Bind the attach socket in `dir` itself (through /proc/self/fd, so long paths work) rather than via a
    // symlink under /var/run/crio.
    '--full-attach',
    '--log-level', base.logLevel,
    ...[...base.runtimeArgs, '--log', path.join(dir, F.runcLog)].flatMap((a) => ['--runtime-arg', a]),
  ];
}

/**
 * stdioArgs: a pty (-t) gets attach input without -i, and must not get -i, with which conmon would close the pty
 * master when a client ends its input. Without a pty, -i gives the container a stdin pipe, closed when the first
 * attached client ends its input unless --leave-stdin-open (Docker's StdinOnce=false).
 */
function stdioArgs(tty: boolean, stdin: boolean, leaveOpen: boolean): string[] {
  if (tty) return ['-t'];
  if (!stdin) return [];
  return leaveOpen ? ['-i', '--leave-stdin-open'] : ['-i'];
}

/** conmonCreateArgs is conmon's command line for creating container `id` from its bundle (as podman builds it). */
export function conmonCreateArgs(a: CreateArgs): string[] {
  return [
    ...shared(a, a.id, a.id, a.bundle, a.exitDir),
    '-l', a.logPath === undefined ? 'none' : `k8s-file:${a.logPath}`,
    // compat: dockerd never fsyncs json-file logs. conmon would fsync the old file at every reopen (log rotation)
    // and at exit, stalling all output meanwhile: a fast writer then overshot max-size by tens of MB per rotation.
    ...(a.logPath !== undefined ? ['--no-sync-log'] : []),
    ...(a.logMaxSize !== undefined && a.logPath !== undefined ? ['--log-size-max', String(a.logMaxSize)] : []),
    ...stdioArgs(a.tty, a.openStdin, !a.stdinOnce),
    ...(a.noPivot === true ? ['--no-pivot'] : []),
  ];
}

/**
 * conmonExecArgs is conmon's command line for an exec session: `runc exec --process <dir>/process.json` in
 * container `id`, output not logged (Docker does not log exec output), exit code in `<dir>/exits/<id>`.
 */
export function conmonExecArgs(a: ExecArgs): string[] {
  return [
    ...shared(a, a.id, a.execId, a.dir, path.join(a.dir, F.execExits)),
    '-l', 'none',
    ...stdioArgs(a.tty, a.stdin, false),
    '-e',
    ...(a.attach ? ['--exec-attach'] : []),
    '--exec-process-spec', path.join(a.dir, F.process),
  ];
}
