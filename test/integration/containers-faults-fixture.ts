// Shared support for the containers-faults*.test.ts files: a wharfd with busybox that can be killed and restarted on
// the same data root, raw Engine API calls, and the host-side checks (mounts, live processes, daemon memory) every
// fault test ends with.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { docker, startDaemon, wharf, type Daemon, type RunResult } from './harness.js';

/** FaultDaemon is a wharfd whose data and exec roots live under `dir`; kill9 and restart keep that directory. */
export interface FaultDaemon {
  /** current is the daemon now serving (a new one after restart). */
  readonly current: Daemon;
  readonly dir: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  /** pid is the current wharfd's process id. */
  readonly pid: number;
  /** kill9 sends SIGKILL to the current wharfd and waits for it to exit (containers and monitors live on). */
  kill9(): Promise<void>;
  /** restart starts a new wharfd on the same roots and waits until it answers. */
  restart(): Promise<Daemon>;
}

/**
 * faultDaemon starts a wharfd (with the busybox image unless `busybox: false`) in a fresh directory and registers
 * cleanup in the order it must run: every container is force-removed while a daemon still runs, the daemon stops
 * (harness), any monitor or container process still alive under the directory is killed by pid, leaked mounts are
 * detached (so removing the directory never walks into a mount), the directory is removed, and finally the test
 * fails if a mount or a process had outlived the daemon.
 */
export async function faultDaemon(t: TestContext, opts: { busybox?: boolean } = {}): Promise<FaultDaemon> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-it-fault-')));
  const state: { current?: Daemon } = {};
  t.after(async () => {
    const d = state.current;
    if (d === undefined || d.process.exitCode !== null || d.process.signalCode !== null) return;
    const ids = (await docker(d, ['ps', '-aq'])).stdout.split('\n').filter((l) => l !== '');
    if (ids.length > 0) await docker(d, ['rm', '-f', ...ids]);
  });
  state.current = await startDaemon(t, { dir });
  t.after(async () => {
    // A daemon restarted by the test registered its own stop after this hook: stop it here, first.
    await state.current?.stop();
    // A monitor whose container was just removed may need a moment to finish exiting.
    const deadline = Date.now() + 3000;
    while (liveProcessesUnder(dir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const procs = liveProcessesUnder(dir);
    for (const p of procs) killPid(p.pid);
    const mounts = mountsUnder(dir);
    for (const m of [...mounts].reverse()) spawnSync('umount', ['-l', m]);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(mounts, [], 'no mount outlives the test');
    assert.deepEqual(procs.map((p) => p.cmd), [], 'no monitor or container process outlives the test');
  });
  if (opts.busybox !== false) ok(await wharf(state.current, ['image', 'bootstrap', 'busybox']));
  const fd: FaultDaemon = {
    get current() {
      return state.current as Daemon;
    },
    dir,
    dataRoot: path.join(dir, 'data'),
    execRoot: path.join(dir, 'exec'),
    get pid() {
      return (state.current as Daemon).process.pid as number;
    },
    kill9: async () => {
      const d = state.current as Daemon;
      d.process.kill('SIGKILL');
      await d.stop();
    },
    restart: async () => {
      state.current = await startDaemon(t, { dir });
      return state.current;
    },
  };
  return fd;
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** ok asserts a CLI run exited 0 and returns its trimmed stdout. */
export function ok(r: RunResult): string {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

/** mountsUnder lists the mount points at or below `dir` (as /proc/self/mountinfo shows them), in mount order. */
export function mountsUnder(dir: string): string[] {
  const real = fs.realpathSync(dir);
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => (l.split(' ')[4] ?? '').replace(/\\040/g, ' '))
    .filter((m) => m === real || m.startsWith(`${real}/`));
}

/** procState reads a process's state letter from /proc/<pid>/stat (R, S, D, Z...), or undefined when it is gone. */
export function procState(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * liveProcessesUnder lists the processes (not zombies: PID 1 here does not reap) whose command line names a path
 * under `dir`: the monitors (conmon) and runtimes of that daemon's containers. The daemon itself is left out.
 */
export function liveProcessesUnder(dir: string): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (!cmd.includes(`${dir}/`) || cmd.includes('daemon/main.js')) continue;
    const st = procState(Number(name));
    if (st !== undefined && st !== 'Z') out.push({ pid: Number(name), cmd });
  }
  return out;
}

/** vmRssKiB reads a process's resident set size from /proc/<pid>/status. */
export function vmRssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, `no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** RssSampler records a process's peak VmRSS while a fault runs. */
export interface RssSampler {
  readonly before: number;
  /** stop ends sampling and returns the peak and the current value, in KiB. */
  stop(): { peak: number; after: number };
}

/** sampleRss starts sampling `pid`'s VmRSS every `everyMs` (the first sample is `before`). */
export function sampleRss(pid: number, everyMs = 50): RssSampler {
  const before = vmRssKiB(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, vmRssKiB(pid))), everyMs);
  return {
    before,
    stop: () => {
      clearInterval(timer);
      const after = vmRssKiB(pid);
      return { peak: Math.max(peak, after), after };
    },
  };
}

/** ApiResponse is a raw Engine API reply. */
export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

/** api sends one request to the daemon's socket (a JSON body when `body` is given) and reads the whole reply. */
export function api(d: Daemon, method: string, p: string, body?: unknown): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = data === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) };
    const req = http.request({ socketPath: d.socket, method, path: `/v1.50${p}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** message returns the `message` of an Engine API error body. */
export function message(r: ApiResponse): string {
  return (JSON.parse(r.body) as { message: string }).message;
}

/** until polls `check` every 100 ms until it holds, failing after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** containerIds lists every container the daemon knows (ps -a), full IDs. */
export async function containerIds(d: Daemon): Promise<string[]> {
  const r = await api(d, 'GET', '/containers/json?all=1');
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as { Id: string }[]).map((c) => c.Id);
}
