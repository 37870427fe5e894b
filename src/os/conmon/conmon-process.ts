import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { SyncPipeReader } from './sync-pipe.js';

// Host PATH for conmon and the runc it starts (hooks, helpers); the daemon's own environment is not passed on.
const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const MAX_STDERR = 64 * 1024;

/** ConmonProcess is a conmon being started: its pipes, until it has daemonised and reported. */
export interface ConmonProcess {
  /** _OCI_SYNCPIPE: the container's pid or the runtime's error; for exec, then the exit code. */
  readonly sync: SyncPipeReader;
  /** _OCI_ATTACHPIPE (exec with attach): a message once the attach socket is ready. */
  readonly attach?: SyncPipeReader;
  /** The first conmon process's exit (it forks the monitor, writes its pid file and exits at once). */
  readonly parentExited: Promise<number | null>;
  /** start writes a byte to _OCI_STARTPIPE: conmon reads one before forking, and with exec-attach one before running runc. */
  start(): void;
  /** stderr returns what conmon printed before it detached its stdio (usage and setup errors). */
  stderr(): string;
  /** close drops the daemon's ends of all pipes (the monitor keeps running). */
  close(): void;
}

/** spawnConmon starts conmon with the sync and start pipes (and the attach pipe) on fds 3, 4 (and 5). */
export function spawnConmon(conmonPath: string, args: readonly string[], opts: { cwd: string; tmpDir: string; attachPipe: boolean }): ConmonProcess {
  const env: NodeJS.ProcessEnv = { PATH: HOST_PATH, TMPDIR: opts.tmpDir, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4' };
  if (opts.attachPipe) env._OCI_ATTACHPIPE = '5';
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'];
  if (opts.attachPipe) stdio.push('pipe');
  // detached: conmon runs in its own session from the start, so signals to the daemon's process group (Ctrl-C in a
  // terminal) never reach it; it forks again and reparents away from the daemon by itself.
  const child = spawn(conmonPath, [...args], { cwd: opts.cwd, env, stdio, detached: true });
  child.unref();
  const pipes = child.stdio as unknown as Array<(Readable & Writable) | null>;
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    if (stderr.length < MAX_STDERR) stderr += s;
  });
  const parentExited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', (err) => {
      stderr += `${err.message}\n`;
      resolve(null);
    });
  });
  const pipe = (fd: number): Readable & Writable => {
    const p = pipes[fd];
    if (p === null || p === undefined) throw new Error(`conmon: no pipe on fd ${fd}`);
    p.on('error', () => undefined); // a pipe conmon closed early shows up as EOF on the reader; writes may EPIPE
    return p;
  };
  const syncPipe = pipe(3);
  const startPipe = pipe(4);
  const attachPipe = opts.attachPipe ? pipe(5) : undefined;
  return {
    sync: new SyncPipeReader(syncPipe),
    attach: attachPipe === undefined ? undefined : new SyncPipeReader(attachPipe),
    parentExited,
    start: () => {
      if (!startPipe.destroyed) startPipe.write(Buffer.from([0]));
    },
    stderr: () => stderr.trim(),
    close: () => {
      for (const p of [syncPipe, startPipe, attachPipe]) p?.destroy();
      child.stderr?.destroy();
    },
  };
}
