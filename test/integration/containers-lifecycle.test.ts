import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docker, requiresRoot, startDaemon, wharf, type Daemon, type RunResult } from './harness.js';

// Every test gets its own daemon and data root. Cleanup order matters: the containers are removed while the
// daemon still runs (so no monitor, process or mount outlives the test), then the daemon stops, then the
// directory goes. node:test runs `after` hooks in the order they were added.
async function daemonWithBusybox(t: TestContext): Promise<Daemon> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-it-ctr-'));
  let current: Daemon | undefined;
  t.after(async () => {
    if (current === undefined) return;
    const ids = (await docker(current, ['ps', '-aq'])).stdout.split('\n').filter((l) => l !== '');
    if (ids.length > 0) await docker(current, ['rm', '-f', ...ids]);
  });
  current = await startDaemon(t, { dir });
  t.after(() => {
    assert.deepEqual(mountsUnder(dir), [], 'no mount outlives the test');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const boot = await wharf(current, ['image', 'bootstrap', 'busybox']);
  assert.equal(boot.code, 0, boot.stderr);
  const d = current;
  return Object.assign(d, {
    restart: async (): Promise<Daemon> => {
      current = await startDaemon(t, { dir });
      return current;
    },
  });
}

function mountsUnder(dir: string): string[] {
  const real = fs.realpathSync(dir);
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(real));
}

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

async function inspect(d: Daemon, name: string, format: string): Promise<string> {
  return ok(await docker(d, ['inspect', '-f', format, name]));
}

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('docker run -d, ps, logs, inspect, stop, wait and rm through the real docker CLI', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const id = ok(await docker(d, ['run', '-d', '--name', 'web', 'busybox', 'sh', '-c', 'echo hello; echo oops >&2; exec sleep 300']));
  assert.match(id, /^[a-f0-9]{64}$/);
  const ps = ok(await docker(d, ['ps', '--format', '{{.ID}} {{.Names}} {{.Status}} {{.Command}}']));
  assert.match(ps, new RegExp(`^${id.slice(0, 12)} web Up .+ "sh -c 'echo hello; …"$`));
  await until('the output in the log', async () => (await docker(d, ['logs', 'web'])).stdout === 'hello\n');
  const logs = await docker(d, ['logs', 'web']);
  assert.deepEqual([logs.stdout, logs.stderr], ['hello\n', 'oops\n']);
  assert.equal(await inspect(d, 'web', '{{.State.Status}} {{.State.Running}} {{.Name}} {{.Config.Image}}'), 'running true /web busybox');
  const stop = await docker(d, ['stop', '-t', '1', 'web']);
  assert.deepEqual([stop.code, stop.stdout], [0, 'web\n']);
  assert.equal(ok(await docker(d, ['wait', 'web'])), '137');
  assert.match(ok(await docker(d, ['ps', '-a', '--format', '{{.Status}}'])), /^Exited \(137\) /);
  assert.equal(ok(await docker(d, ['rm', 'web'])), 'web');
  assert.equal(ok(await docker(d, ['ps', '-aq'])), '');
  const gone = await docker(d, ['inspect', 'web']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /No such object: web/);
});

test('exit codes: the container\'s own through wait, 127 and 126 when the command cannot run', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  ok(await docker(d, ['run', '-d', '--name', 'three', 'busybox', 'sh', '-c', 'exit 3']));
  assert.equal(ok(await docker(d, ['wait', 'three'])), '3');
  // An attached run (attach + wait?condition=next-exit + start) exits with the container's code.
  const attached = await docker(d, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; exit 3']);
  assert.deepEqual([attached.code, attached.stdout], [3, 'out\n']);
  assert.equal(await inspect(d, 'three', '{{.State.ExitCode}}'), '3');
  const missing = await docker(d, ['run', '-d', 'busybox', 'nosuchcommand']);
  assert.equal(missing.code, 127, missing.stderr);
  assert.match(missing.stderr, /executable file not found in \$PATH/);
  const notExecutable = await docker(d, ['run', '-d', 'busybox', '/etc']);
  assert.equal(notExecutable.code, 126, notExecutable.stderr);
  const noImage = await docker(d, ['run', '-d', 'nosuchimage']);
  assert.equal(noImage.code, 125);
  assert.match(noImage.stderr, /Unable to find image 'nosuchimage:latest' locally/);
});

test('name conflicts and removing a running container without -f are 409s', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const id = ok(await docker(d, ['run', '-d', '--name', 'web', 'busybox', 'sleep', '300']));
  const dup = await docker(d, ['run', '-d', '--name', 'web', 'busybox', 'true']);
  assert.equal(dup.code, 125);
  assert.match(dup.stderr, new RegExp(`Conflict. The container name "/web" is already in use by container "${id}"`));
  const rm = await docker(d, ['rm', 'web']);
  assert.equal(rm.code, 1);
  assert.match(rm.stderr, /cannot remove container "\/web": container is running: stop the container before removing or force remove/);
  const rmi = await docker(d, ['rmi', 'busybox']);
  assert.notEqual(rmi.code, 0);
  assert.match(rmi.stderr, /container .* is using its referenced image|being used by running container/);
  assert.equal(ok(await docker(d, ['rm', '-f', 'web'])), 'web');
  assert.equal(ok(await docker(d, ['ps', '-aq'])), '');
});

test('restart policy always brings a killed container back', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  ok(await docker(d, ['run', '-d', '--name', 'phoenix', '--restart', 'always', 'busybox', 'sleep', '300']));
  const pid = Number(await inspect(d, 'phoenix', '{{.State.Pid}}'));
  assert.ok(pid > 0);
  process.kill(pid, 'SIGKILL');
  await until('a restart', async () => (await inspect(d, 'phoenix', '{{.RestartCount}} {{.State.Status}}')) === '1 running');
  assert.notEqual(Number(await inspect(d, 'phoenix', '{{.State.Pid}}')), pid);
  // A manual stop is final.
  ok(await docker(d, ['stop', '-t', '0', 'phoenix']));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await inspect(d, 'phoenix', '{{.State.Status}}'), 'exited');
});

test('kill -9 of wharfd: running containers keep running with their logs, exits meanwhile keep their code', async (t) => {
  if (!requiresRoot(t)) return;
  const first = await daemonWithBusybox(t);
  ok(await docker(first, ['run', '-d', '--name', 'keep', 'busybox', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done']));
  ok(await docker(first, ['run', '-d', '--name', 'short', 'busybox', 'sh', '-c', 'sleep 1; exit 7']));
  const keepPid = Number(await inspect(first, 'keep', '{{.State.Pid}}'));
  first.process.kill('SIGKILL');
  await new Promise((r) => first.process.once('exit', r));
  await new Promise((r) => setTimeout(r, 2000));
  const d = await (first as Daemon & { restart(): Promise<Daemon> }).restart();
  assert.equal(await inspect(d, 'keep', '{{.State.Status}} {{.State.Pid}}'), `running ${keepPid}`);
  assert.match(ok(await docker(d, ['logs', '--tail', '1', 'keep'])), /^tick \d+$/);
  assert.equal(await inspect(d, 'short', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 7');
  // The re-adopted container is managed as before.
  ok(await docker(d, ['stop', '-t', '1', 'keep']));
  assert.equal(await inspect(d, 'keep', '{{.State.Status}}'), 'exited');
});

test('20 concurrent docker run -d', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => docker(d, ['run', '-d', '--name', `c${i}`, 'busybox', 'sleep', '300'])));
  for (const r of runs) ok(r);
  const running = ok(await docker(d, ['ps', '-q'])).split('\n');
  assert.equal(running.length, 20);
  const removed = await Promise.all(Array.from({ length: 20 }, (_, i) => docker(d, ['rm', '-f', `c${i}`])));
  for (const r of removed) ok(r);
  assert.equal(ok(await docker(d, ['ps', '-aq'])), '');
});

test('kill -9 of wharfd in the middle of creates, starts and removals leaves no half container and no leaked mount', async (t) => {
  if (!requiresRoot(t)) return;
  const first = await daemonWithBusybox(t);
  ok(await docker(first, ['run', '-d', '--name', 'survivor', 'busybox', 'sleep', '300']));
  const churn = Array.from({ length: 6 }, async (_, i) => {
    for (let n = 0; n < 50; n++) {
      const r = await docker(first, ['run', '-d', '--name', `churn${i}-${n}`, 'busybox', 'sleep', '300']);
      if (r.code !== 0) return;
      if ((await docker(first, ['rm', '-f', `churn${i}-${n}`])).code !== 0) return;
    }
  });
  await new Promise((r) => setTimeout(r, 1500));
  first.process.kill('SIGKILL');
  await Promise.all(churn);
  const d = await (first as Daemon & { restart(): Promise<Daemon> }).restart();
  assert.equal(await inspect(d, 'survivor', '{{.State.Status}}'), 'running');
  const states = ok(await docker(d, ['ps', '-a', '--format', '{{.Names}} {{.State}}'])).split('\n');
  for (const line of states) assert.match(line, /^\S+ (created|running|exited)$/, line);
  // Every container is whole: each can be removed, and then nothing stays mounted or known to runc.
  const ids = ok(await docker(d, ['ps', '-aq'])).split('\n');
  ok(await docker(d, ['rm', '-f', ...ids]));
  assert.deepEqual(mountsUnder(d.dir), []);
  const runcList = fs.readdirSync(path.join(d.dir, 'exec', 'containers'));
  assert.deepEqual(runcList, []);
});
