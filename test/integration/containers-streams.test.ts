// Interactive streams through the real docker CLI against a real wharfd: attached runs (stdout and stderr apart,
// stdin with EOF), exec exit codes, TTYs driven through a pty, detach keys, health checks, top and stats.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { docker, requiresRoot, startDaemon, wharf, type Daemon, type RunResult } from './harness.js';
import { runOnPty } from './pty.js';


function withTerminal(d: Daemon, args: readonly string[], input = '', delayS = 1): Promise<RunResult> {
  // `docker -it` needs a real terminal, which a pipe is not.
  return runOnPty(['docker', '-H', d.host, ...args], {
    input,
    delayS,
    env: { DOCKER_CONFIG: path.join(d.dir, 'docker-config'), DOCKER_CLI_HINTS: 'false' },
  });
}

async function ok(d: Daemon, args: readonly string[], opts: { input?: string } = {}): Promise<string> {
  const r = await docker(d, args, opts);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function daemonWithBusybox(t: TestContext): Promise<Daemon> {
  const d = await startDaemon(t);
  const boot = await wharf(d, ['image', 'bootstrap', 'busybox']);
  assert.equal(boot.code, 0, boot.stderr);
  return d;
}

test('docker CLI: attached runs keep stdout and stderr apart and pass stdin with its EOF', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);

  assert.equal(await ok(d, ['run', '--rm', 'busybox', 'echo', 'hello']), 'hello\n');
  assert.equal((await ok(d, ['run', '-i', '--rm', 'busybox', 'wc', '-c'], { input: 'data\n' })).trim(), '5');

  const split = await docker(d, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(split.code, 3);
  assert.equal(split.stdout, 'out\n');
  assert.equal(split.stderr, 'err\n');

  // Output written as soon as the process starts is not lost: the attach is connected before runc start.
  const burst = await ok(d, ['run', '--rm', 'busybox', 'sh', '-c', 'seq 1 2000']);
  assert.equal(burst.split('\n').length, 2001);

  // start -a of a stopped container: the attach waits for the new run and sees all of its output.
  await ok(d, ['create', '--name', 'again', 'busybox', 'sh', '-c', 'echo run']);
  t.after(() => docker(d, ['rm', '-f', 'again']));
  assert.equal(await ok(d, ['start', '-a', 'again']), 'run\n');
  assert.equal(await ok(d, ['start', '-a', 'again']), 'run\n');
});

test('docker CLI: exec exit codes, streams, stdin and errors', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  await ok(d, ['run', '-d', '--name', 'web', 'busybox', 'sleep', '1000']);
  t.after(() => docker(d, ['rm', '-f', 'web']));

  assert.equal((await docker(d, ['exec', 'web', 'true'])).code, 0);
  assert.equal((await docker(d, ['exec', 'web', 'sh', '-c', 'exit 3'])).code, 3);
  const missing = await docker(d, ['exec', 'web', 'nosuch']);
  assert.equal(missing.code, 127);
  assert.match(missing.stdout + missing.stderr, /OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in \$PATH: unknown/);
  assert.equal((await docker(d, ['exec', 'web', '/etc/passwd'])).code, 126);

  const split = await docker(d, ['exec', 'web', 'sh', '-c', 'echo out; echo err >&2']);
  assert.deepEqual([split.stdout, split.stderr], ['out\n', 'err\n']);
  assert.equal((await ok(d, ['exec', '-i', 'web', 'wc', '-c'], { input: 'hello\n' })).trim(), '6');
  assert.equal(await ok(d, ['exec', '-e', 'X=1', '-w', '/tmp', '-u', 'nobody', 'web', 'sh', '-c', 'echo $X $(pwd) $(id -u)']), '1 /tmp 65534\n');
  const capEff = (text: string): bigint => BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(text)?.[1] ?? '0'}`);
  assert.equal(capEff(await ok(d, ['exec', 'web', 'grep', 'CapEff', '/proc/self/status'])), 0xa80425fbn, 'Docker\'s 14 default capabilities');
  const privileged = capEff(await ok(d, ['exec', '--privileged', 'web', 'grep', 'CapEff', '/proc/self/status']));
  assert.equal(privileged & (1n << 21n), 1n << 21n, '--privileged grants CAP_SYS_ADMIN');
  assert.equal(privileged & (1n << 12n), 1n << 12n, '--privileged grants CAP_NET_ADMIN');

  await ok(d, ['exec', '-d', 'web', 'touch', '/tmp/detached']);
  await waitFor('the detached exec', async () => (await docker(d, ['exec', 'web', 'test', '-e', '/tmp/detached'])).code === 0);

  const bad = await docker(d, ['exec', '-u', 'nobody-here', 'web', 'true']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unable to find user nobody-here/);

  await ok(d, ['stop', '-t', '0', 'web']);
  const stopped = await docker(d, ['exec', 'web', 'true']);
  assert.notEqual(stopped.code, 0);
  assert.match(stopped.stderr, /container [0-9a-f]{64} is not running/);
});

test('docker CLI: -it gives a terminal, resizes follow, detach keys leave the container running', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);

  const runTty = await withTerminal(d, ['run', '-it', '--rm', 'busybox', 'tty']);
  assert.equal(runTty.code, 0, runTty.stdout);
  assert.match(runTty.stdout, /\/dev\/pts\/0\r\n/);

  await ok(d, ['run', '-dit', '--name', 'shell', 'busybox', 'sh']);
  t.after(() => docker(d, ['rm', '-f', 'shell']));
  const execTty = await withTerminal(d, ['exec', '-it', 'shell', 'tty']);
  assert.match(execTty.stdout, /\/dev\/pts\/\d+\r\n/);
  const size = await withTerminal(d, ['exec', '-it', 'shell', 'stty', 'size']);
  assert.equal(size.stdout, '33 111\r\n', 'the exec pty has the client terminal\'s size');
  const runSize = await withTerminal(d, ['run', '-it', '--rm', 'busybox', 'stty', 'size']);
  assert.equal(runSize.stdout, '33 111\r\n', 'so has the container\'s');

  // Type a command, then ctrl-p ctrl-q: the client detaches ("read escape sequence") and the shell keeps running.
  const detached = await withTerminal(d, ['attach', 'shell'], 'echo h""i\r<pause>\u0010\u0011', 1);
  assert.match(detached.stdout, /\r\nhi\r\n/);
  assert.match(detached.stdout, /read escape sequence/);
  assert.equal((await ok(d, ['inspect', '-f', '{{.State.Running}}', 'shell'])).trim(), 'true');
  const custom = await withTerminal(d, ['attach', '--detach-keys', 'ctrl-x', 'shell'], '\u0018', 1);
  assert.match(custom.stdout, /read escape sequence/);
  assert.equal((await ok(d, ['inspect', '-f', '{{.State.Running}}', 'shell'])).trim(), 'true');
  // exit ends the shell: the attach ends with the container's exit code.
  const exited = await withTerminal(d, ['attach', 'shell'], 'exit 7\r', 1);
  assert.equal(exited.code, 7, exited.stdout);
  assert.equal((await ok(d, ['inspect', '-f', '{{.State.ExitCode}}', 'shell'])).trim(), '7');
});

test('docker CLI: a --health-cmd container becomes healthy; top and stats read the host', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  await ok(d, ['run', '-d', '--name', 'hc', '--health-cmd', 'test -e /tmp/ready', '--health-interval', '1s', '--health-retries', '3',
    'busybox', 'sh', '-c', 'sleep 2; touch /tmp/ready; exec sleep 1000']);
  t.after(() => docker(d, ['rm', '-f', 'hc']));
  // The health state is written as the start completes (the lifecycle's `started` hook).
  await waitFor('health: starting in ps', async () => /\(health: starting\)/.test(await ok(d, ['ps', '--format', '{{.Status}}', '--filter', 'name=hc'])), 1500);
  await waitFor('healthy', async () => (await ok(d, ['inspect', '-f', '{{.State.Health.Status}}', 'hc'])).trim() === 'healthy');
  assert.match(await ok(d, ['ps', '--format', '{{.Status}}', '--filter', 'name=hc']), /^Up .* \(healthy\)\n$/);
  const health = JSON.parse(await ok(d, ['inspect', '-f', '{{json .State.Health}}', 'hc'])) as { FailingStreak: number; Log: { ExitCode: number }[] };
  assert.equal(health.FailingStreak, 0);
  assert.equal(health.Log.at(-1)?.ExitCode, 0);
  assert.ok(health.Log.length <= 5);

  const top = await ok(d, ['top', 'hc']);
  assert.match(top, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD\n/);
  assert.match(top, /\nroot\s+\d+\s+\d+\s+\d+\s+\S+\s+\?\s+\d\d:\d\d:\d\d\s+sleep 1000\n/);
  // (A health probe may be running next to it.)
  assert.match(await ok(d, ['top', 'hc', '-o', 'pid,comm']), /^PID\s+COMMAND\n(\d+\s+\S+\n)*\d+\s+sleep\n/);

  const stats = await ok(d, ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}} {{.PIDs}}', 'hc']);
  assert.match(stats, /^hc \d+(\.\d+)?[KMG]?i?B \/ \d+(\.\d+)?[KMG]iB [1-9]\d*\n$/);

  // health_status events reached the bus; checks stop (unhealthy) with the container.
  await ok(d, ['stop', '-t', '0', 'hc']);
  await waitFor('unhealthy after the stop', async () => (await ok(d, ['inspect', '-f', '{{.State.Health.Status}}', 'hc'])).trim() === 'unhealthy', 3000);
});
