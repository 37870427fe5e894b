import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

/** REPO_ROOT is the checkout, found from this file's place in dist/test/integration/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const WHARFD = path.join(REPO_ROOT, 'dist', 'src', 'daemon', 'main.js');
/** WHARF_CLI is the built CLI entry point. */
export const WHARF_CLI = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

/**
 * requiresRoot skips the test unless it runs as root with WHARF_TEST_ROOT=1 (containerd's RequiresRoot): integration
 * tests start a real wharfd, which needs root for overlay snapshots, device nodes and ownership.
 */
export function requiresRoot(t: TestContext): boolean {
  if (process.env.WHARF_TEST_ROOT === '1' && process.getuid?.() === 0) return true;
  t.skip('needs root and WHARF_TEST_ROOT=1');
  return false;
}

/** Daemon is a wharfd started by a test, with its own data root, exec root and socket. */
export interface Daemon {
  readonly socket: string;
  readonly host: string;
  readonly dataRoot: string;
  readonly dir: string;
  readonly process: ChildProcess;
  /** logs returns what the daemon wrote so far. */
  logs(): string;
  /** stop sends SIGTERM to this daemon's pid and waits for it to exit; returns its exit code. */
  stop(): Promise<number | null>;
}

/** ping resolves with the HTTP status of GET /_ping on a unix socket, or rejects when nothing answers. */
export function ping(socket: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('ping timed out')));
  });
}

/**
 * startDaemon starts a real wharfd in a fresh temporary directory and waits until it answers /_ping. The test's
 * `t.after` stops it by pid and removes the directory, so each test cleans up after itself.
 */
export async function startDaemon(t: TestContext, opts: { dir?: string; extraArgs?: string[] } = {}): Promise<Daemon> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-it-'));
  const socket = path.join(dir, 'wharf.sock');
  const dataRoot = path.join(dir, 'data');
  const args = [WHARFD, '--data-root', dataRoot, '--exec-root', path.join(dir, 'exec'), '-H', `unix://${socket}`,
    '--config-file', path.join(REPO_ROOT, 'test', 'fixtures', 'empty-daemon.json'), ...(opts.extraArgs ?? [])];
  let output = '';
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const daemon: Daemon = {
    socket, host: `unix://${socket}`, dataRoot, dir, process: child,
    logs: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  t.after(async () => {
    // Containers outlive their daemon (live restore), so remove them first, then stop the daemon, then drop any mount
    // still under this test's directory: nothing the test made survives it, whatever order its hooks ran in.
    if (child.exitCode === null && child.signalCode === null) await removeAllContainers(socket).catch(() => undefined);
    await daemon.stop();
    unmountUnder(dir);
    if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wharfd exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await ping(socket)) === 200) return daemon;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`wharfd did not answer /_ping within 15 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function apiCall(socket: string, method: string, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, method, path: urlPath, timeout: 30_000 }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** removeAllContainers force-removes every container a test's daemon holds. */
async function removeAllContainers(socket: string): Promise<void> {
  const list = JSON.parse(await apiCall(socket, 'GET', '/containers/json?all=1')) as Array<{ Id: string }>;
  await Promise.all(list.map((c) => apiCall(socket, 'DELETE', `/containers/${c.Id}?force=1`)));
}

/** unmountUnder lazily unmounts every mount below `dir`, deepest first. */
function unmountUnder(dir: string): void {
  const targets = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((target) => target.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const target of targets) spawnSync('umount', ['-l', target]);
}

/** RunResult is what a finished CLI invocation printed and returned. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** run runs a program to completion with optional stdin bytes, capturing its output. */
export function run(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: Buffer | string; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(opts.input ?? '');
  });
}

/** wharf runs the built wharf CLI against a daemon. */
export function wharf(daemon: Daemon, args: readonly string[], opts: { input?: Buffer | string; cwd?: string } = {}): Promise<RunResult> {
  return run(process.execPath, [WHARF_CLI, ...args], { ...opts, env: { WHARF_HOST: daemon.host, WHARF_NO_AUTOSTART: '1' } });
}

/** docker runs the real docker CLI (client only) against a daemon, with a private config dir. */
export function docker(daemon: Daemon, args: readonly string[], opts: { input?: Buffer | string; cwd?: string } = {}): Promise<RunResult> {
  return run('docker', ['-H', daemon.host, ...args], {
    ...opts,
    env: { DOCKER_CONFIG: path.join(daemon.dir, 'docker-config'), DOCKER_CLI_HINTS: 'false' },
  });
}

/** tree lists a directory as "path mode content" lines (links as "path -> target"), for comparing copies. */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = fs.lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) out.push(`${r} -> ${fs.readlinkSync(path.join(dir, r))}`);
      else if (st.isDirectory()) {
        out.push(`${r}/ ${(st.mode & 0o777).toString(8)}`);
        walk(r);
      } else out.push(`${r} ${(st.mode & 0o777).toString(8)} ${fs.readFileSync(path.join(dir, r), 'utf8')}`);
    }
  };
  walk('');
  return out;
}
