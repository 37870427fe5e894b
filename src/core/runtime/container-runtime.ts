import type { AttachHandle } from './attach-handle.js';

/** RuntimeStatus is the OCI runtime's view of a container (runc state's `status`). */
export type RuntimeStatus = 'created' | 'running' | 'paused' | 'stopped';

/** RuntimeState is what `state()` reports: the OCI status and the container's init pid on the host (0 when stopped). */
export interface RuntimeState {
  readonly status: RuntimeStatus;
  readonly pid: number;
}

/** TerminalSize is a pty window size in character cells. */
export interface TerminalSize {
  readonly height: number;
  readonly width: number;
}

/** CreateOptions say how the monitor wires the container's standard streams and its log. */
export interface CreateOptions {
  /** Allocate a pty (config.json's process.terminal must be true as well); the monitor holds the master. */
  readonly tty: boolean;
  /** Keep a pipe to the container's stdin that attach clients write to (Docker's OpenStdin). */
  readonly openStdin: boolean;
  /**
   * Close the container's stdin when the first attached client ends its input (Docker's StdinOnce). Without it,
   * stdin stays open across attach sessions. Ignored with `tty`: a pty is never closed by a client leaving.
   */
  readonly stdinOnce: boolean;
  /** k8s-file log path (stdout and stderr kept apart, timestamped); undefined keeps no log (`--log-driver none`). */
  readonly logPath?: string;
  /**
   * When the log would pass this many bytes, the monitor starts it afresh (truncates; Docker's max-file=1).
   * For max-file > 1 leave this unset and let core/logs' LogRotation rename files and call `reopenLog()`.
   */
  readonly logMaxSize?: number;
  /** Create without pivot_root (root filesystems on ramfs). */
  readonly noPivot?: boolean;
  /** How long to wait for the monitor to report the container created; default 60 s. */
  readonly timeoutMs?: number;
}

/** Created is what `create()` returns: the container's init pid and its monitor's pid. */
export interface Created {
  readonly pid: number;
  readonly monitorPid: number;
}

/** ExitInfo is a container's (or exec's) recorded end: what the monitor wrote when the process exited. */
export interface ExitInfo {
  /** The exit status; 128 + signal number when killed by a signal (137 for SIGKILL), as Docker reports it. */
  readonly exitCode: number;
  /** When the exit was recorded (the exit file's modification time, which the kernel keeps at ~4 ms granularity). */
  readonly exitedAt: Date;
  /** True when the kernel's OOM killer ended a process of the container's memory cgroup. */
  readonly oomKilled: boolean;
}

/** ExecOptions describe a process to run in a running container. */
export interface ExecOptions {
  /** The exec session's ID; [A-Za-z0-9][A-Za-z0-9_.-]{0,127}, unique among the container's live sessions. */
  readonly execId: string;
  /** The OCI process (config.json's `process` shape: args, env, cwd, user, capabilities, ...). `terminal` is set from `tty`. */
  readonly process: Readonly<Record<string, unknown>>;
  readonly tty: boolean;
  /** Give the process a stdin pipe that attach writes go to; ending the attach's stdin closes it. */
  readonly stdin: boolean;
  /** Attach before the process starts so no output is lost; false runs it detached with its output discarded. */
  readonly attach: boolean;
  /** Window size the pty has before the process starts. */
  readonly consoleSize?: TerminalSize;
  /** How long to wait for the process to be started; default 60 s. */
  readonly timeoutMs?: number;
}

/** ExecSession is a started exec process. */
export interface ExecSession {
  readonly execId: string;
  /** The process's pid on the host. */
  readonly pid: number;
  /** Its streams, when started with `attach`. */
  readonly io?: AttachHandle;
  /**
   * exited resolves once the process has exited and, when attached, its last output has been delivered to `io`.
   * The daemon must stay up to see this: exec sessions, like Docker's, do not outlive a daemon restart.
   */
  readonly exited: Promise<{ readonly exitCode: number }>;
  /** resize sets the exec pty's window size (no-op without `tty`). */
  resize(size: TerminalSize): Promise<void>;
}

/** AttachOptions choose the streams of an attach session. */
export interface AttachOptions {
  /** Forward writes to the container's stdin (needs `openStdin` or `tty` at create). */
  readonly stdin: boolean;
}

/** ExitListener is called once for each exit file that appears. */
export type ExitListener = (id: string, exit: ExitInfo) => void;

/** ExitWatch stops an exit watch. */
export interface ExitWatch {
  close(): void;
}

/**
 * ContainerRuntime runs OCI bundles under a per-container monitor that outlives the daemon (conmon + runc).
 *
 * Lifecycle of a container `id` (IDs are [A-Za-z0-9][A-Za-z0-9_.-]{0,127}; Docker's are 64 hex digits):
 * 1. `prepareBundle(id, spec)` creates `bundleDir(id)` (mode 0700) with config.json; the caller mounts the root
 *    filesystem at `<bundleDir>/rootfs` (the spec's root.path) with a Mounter.
 * 2. `create(id, opts)` starts the monitor, which runs `runc create` and then stays with the container: it keeps
 *    the log, holds the pty, offers the attach socket and records the exit. The process exists but has not run
 *    the user's command yet (status `created`). Attach now to see all output of an attached `run`.
 * 3. `start(id)` runs the command (status `running`); `pause`/`resume`/`update`/`kill`/`exec`/`attach`/`resize` apply.
 * 4. When the process exits the monitor writes the exit code; `readExit(id)` returns it, `watchExits` reports it
 *    promptly while the daemon runs, and a restarted daemon finds it with `readExit` or `watchExits(..., {existing})`.
 * 5. `delete(id)` forgets the container in runc and removes its exit record; after the caller unmounts the root
 *    filesystem, `removeBundle(id)` removes the bundle directory. `create` again reuses the ID (restart policies).
 *
 * Invariants: no daemon process per container (the monitor is a separate program, reparented away from the
 * daemon, so `kill -9` of the daemon leaves containers running); the daemon's memory does not grow with a
 * container's output (logs are written by the monitor and read back with bounded buffers); state lives in files
 * under the exec root, so a new daemon process sees everything the old one did.
 *
 * ```ts
 * const dir = await runtime.prepareBundle(id, spec);
 * await mounter.mount(rootMounts, path.join(dir, 'rootfs'));
 * await runtime.create(id, { tty: false, openStdin: false, stdinOnce: false, logPath });
 * const io = await runtime.attach(id, { stdin: false });
 * await runtime.start(id);
 * ```
 */
export interface ContainerRuntime {
  /** bundleDir is the directory of container `id`'s OCI bundle and monitor state. */
  bundleDir(id: string): string;
  /** prepareBundle creates the bundle directory and writes config.json crash-safely; returns the directory. */
  prepareBundle(id: string, spec: Readonly<Record<string, unknown>>): Promise<string>;
  /**
   * create starts the monitor and has it create the container; resolves when the runtime reports success.
   * A leftover *stopped* runtime container of the same ID (from a previous run) is deleted first; a live one is
   * AlreadyExists (WHARF_RUNTIME_CONTAINER_EXISTS). Failure is WHARF_RUNTIME_CREATE_FAILED carrying the runtime's
   * own message (e.g. `exec: "nosuch": executable file not found in $PATH`; see classifyStartFailure).
   */
  create(id: string, opts: CreateOptions): Promise<Created>;
  /** start runs a created container's process. */
  start(id: string): Promise<void>;
  /**
   * kill sends a signal (a number from parseSignal) to the container's init process, or with `all` to every process
   * in it. Conflict (WHARF_RUNTIME_STATE_CONFLICT) when it is not running; NotFound (WHARF_NO_SUCH_RUNTIME_CONTAINER)
   * when the runtime has no such ID. The other runc-backed methods fail the same ways.
   */
  kill(id: string, signal: number, opts?: { readonly all?: boolean }): Promise<void>;
  /** delete removes the container from the runtime (with `force`, killing it first) and clears its exit record. */
  delete(id: string, opts?: { readonly force?: boolean }): Promise<void>;
  /** state asks the runtime for the container's status; undefined when the runtime does not know the ID. */
  state(id: string): Promise<RuntimeState | undefined>;
  /** pause freezes every process of the container (cgroup freezer). */
  pause(id: string): Promise<void>;
  /** resume thaws a paused container. */
  resume(id: string): Promise<void>;
  /** update changes the container's cgroup limits; `resources` is config.json's linux.resources shape. */
  update(id: string, resources: Readonly<Record<string, unknown>>): Promise<void>;
  /** exec starts a process in a running container (see ExecOptions); resolves once it runs. */
  exec(id: string, opts: ExecOptions): Promise<ExecSession>;
  /**
   * attach connects to the container's streams from now on (earlier output is in the log). Several clients may
   * attach at once; each gets all output. Unavailable (WHARF_MONITOR_GONE) when the monitor is not running.
   */
  attach(id: string, opts: AttachOptions): Promise<AttachHandle>;
  /** resize sets the window size of the container's pty, or of exec session `execId`'s. */
  resize(id: string, size: TerminalSize, execId?: string): Promise<void>;
  /** reopenLog has the monitor close the log and start a new, empty file at the same path (after a rotation). */
  reopenLog(id: string): Promise<void>;
  /** readExit returns the recorded exit of the container's last run, or undefined while none is recorded. */
  readExit(id: string): Promise<ExitInfo | undefined>;
  /**
   * watchExits calls `listener` for each exit recorded from now on (inotify, with a periodic rescan as a safety net);
   * with `existing`, first for each exit already recorded (a restarted daemon learning what happened meanwhile).
   */
  watchExits(listener: ExitListener, opts?: { readonly existing?: boolean; readonly pollMs?: number }): ExitWatch;
  /** isMonitorAlive tells whether the container's monitor process still runs (a zombie counts as dead). */
  isMonitorAlive(id: string): Promise<boolean>;
  /** list returns the IDs of every container the runtime knows, in any status. */
  list(): Promise<string[]>;
  /**
   * removeBundle deletes the bundle directory. FailedPrecondition (WHARF_BUNDLE_MOUNTED) while the root filesystem
   * is still mounted there, because removing through the mount would delete the container's own files.
   */
  removeBundle(id: string): Promise<void>;
}
