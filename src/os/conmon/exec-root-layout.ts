import path from 'node:path';
import { checkRuntimeId } from '../../core/runtime/runtime-id.js';

/**
 * ExecRootLayout is where ConmonRuntime keeps per-container runtime state under the exec root (default /run/wharf,
 * a tmpfs: none of it needs to survive a reboot, all of it must survive a daemon restart).
 *
 * ```
 * <exec-root>/runc/                         runc --root: wharf's containers only, apart from other engines'
 * <exec-root>/exits/<id>                    conmon's exit file: the exit code in decimal; mtime = exit time
 * <exec-root>/tmp/                          conmon's TMPDIR: runc's console sockets (short paths, 0700)
 * <exec-root>/containers/<id>/              the OCI bundle, 0700 (config.json may hold secrets in env)
 *     config.json                           the OCI spec (root.path "rootfs")
 *     rootfs/                               mount point of the container's root (overlay of snapshots + upper)
 *     conmon.pid                            the monitor's pid (isMonitorAlive)
 *     pidfile                               the container's init pid (runc --pid-file)
 *     attach                                conmon's attach socket (SOCK_SEQPACKET, 0700)
 *     ctl, winsz                            conmon's control FIFOs (resize, log reopen)
 *     exit                                  copy of the exit code (conmon --persist-dir)
 *     oom                                   present when the container was OOM-killed
 *     runc.log                              runc's JSON log for create (its error message when create fails)
 *     exec/<exec-id>/                       one exec session: process.json, attach, ctl, winsz, pidfile,
 *                                           conmon.pid, runc.log, exit, oom, exits/<id>
 * ```
 * Every path is built from IDs that passed checkRuntimeId.
 */
export class ExecRootLayout {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get runcRoot(): string {
    return path.join(this.root, 'runc');
  }
  get exitsDir(): string {
    return path.join(this.root, 'exits');
  }
  get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }
  get containersDir(): string {
    return path.join(this.root, 'containers');
  }
  bundle(id: string): string {
    return path.join(this.containersDir, checkRuntimeId(id));
  }
  exitFile(id: string): string {
    return path.join(this.exitsDir, checkRuntimeId(id));
  }
  execDir(id: string, execId: string): string {
    return path.join(this.bundle(id), 'exec', checkRuntimeId(execId));
  }
}

/** MONITOR_FILES names the files conmon keeps in a bundle or exec-session directory. */
export const MONITOR_FILES = {
  config: 'config.json',
  rootfs: 'rootfs',
  conmonPid: 'conmon.pid',
  pid: 'pidfile',
  attach: 'attach',
  ctl: 'ctl',
  winsz: 'winsz',
  exit: 'exit',
  oom: 'oom',
  runcLog: 'runc.log',
  process: 'process.json',
  execExits: 'exits',
} as const;
