// The wharf CLI's interactive container commands against a real wharfd: run (attached, -d, -i with EOF, -t through a
// pty, detach keys, exit codes 3/126/127/125), create/start -a, attach, exec (exit codes, -i, -it) and logs.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { WHARF_CLI, docker, requiresRoot, startDaemon, wharf, type Daemon, type RunResult } from './harness.js';
import { runOnPty } from './pty.js';


function onTerminal(d: Daemon, args: readonly string[], input = '', delayS = 1): Promise<RunResult> {
  return runOnPty([process.execPath, WHARF_CLI, ...args], { input, delayS, env: { WHARF_HOST: d.host, WHARF_NO_AUTOSTART: '1' } });
}

/**
 * daemonWithBusybox starts a wharfd with the busybox image. Every container it still has is removed when the test
 * ends: that hook is registered before the daemon's own (hooks run in order), so it runs while the daemon is up.
 */
async function daemonWithBusybox(t: TestContext): Promise<Daemon> {
  const started: { daemon?: Daemon } = {};
  t.after(async () => {
    const daemon = started.daemon;
    if (!daemon) return;
    const ids = (await docker(daemon, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await docker(daemon, ['rm', '-f', ...ids]);
  });
  const d = await startDaemon(t);
  started.daemon = d;
  const boot = await wharf(d, ['image', 'bootstrap', 'busybox']);
  assert.equal(boot.code, 0, boot.stderr);
  return d;
}

async function ok(d: Daemon, args: readonly string[], opts: { input?: string } = {}): Promise<string> {
  const r = await wharf(d, args, opts);
  assert.equal(r.code, 0, `wharf ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('wharf run --rm busybox echo hello world! prints, exits 0 and leaves no container', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const r = await wharf(d, ['run', '--rm', 'busybox', 'echo', 'hello', 'world!']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'hello world!\n', '']);
  assert.equal((await docker(d, ['ps', '-aq'])).stdout, '');
});

test('run keeps stdout and stderr apart; -i pipes stdin and closes it at EOF', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const r = await wharf(d, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'out\n', 'err\n']);
  const wc = await wharf(d, ['run', '-i', '--rm', 'busybox', 'wc', '-c'], { input: 'data\n' });
  assert.deepEqual([wc.code, wc.stdout.trim()], [0, '5']);
});

test('run -e -w --user --entrypoint: the process sees them', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const out = await ok(d, ['run', '--rm', '-e', 'my_ver=1.5', '-w', '/tmp', '--user', '1000:1000', '--entrypoint', 'sh', 'busybox', '-c', 'id; pwd; env']);
  const lines = out.split('\n');
  assert.equal(lines[0], 'uid=1000 gid=1000 groups=1000');
  assert.equal(lines[1], '/tmp');
  assert.ok(lines.includes('my_ver=1.5'), out);
});

test('exit statuses: the container\'s own, 127 not found, 126 not executable, 125 unknown image', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  assert.equal((await wharf(d, ['run', '--rm', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
  const notFound = await wharf(d, ['run', '--rm', 'busybox', 'nonexistent-command']);
  assert.equal(notFound.code, 127);
  assert.match(notFound.stderr, /^wharf: Error response from daemon: .*executable file not found.*\n\nRun 'wharf run --help' for more information\n$/s);
  assert.equal((await wharf(d, ['run', '--rm', 'busybox', '/etc'])).code, 126);
  const unknown = await wharf(d, ['run', '--rm', 'nosuchimage']);
  assert.equal(unknown.code, 125);
  assert.match(unknown.stderr, /^Unable to find image 'nosuchimage:latest' locally\nwharf: Error response from daemon: /);
  const badFlag = await wharf(d, ['run', '-m', 'x', 'busybox']);
  assert.equal(badFlag.code, 125);
  assert.match(badFlag.stderr, /^invalid argument "x" for "-m, --memory" flag: invalid size: 'x'\n/);
});

test('run -d prints the ID; logs keeps stdout and stderr apart', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const id = (await ok(d, ['run', '-d', '--name', 'bg', 'busybox', 'sh', '-c', 'echo out; echo err >&2; sleep 60'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  let logs: RunResult | undefined;
  for (let i = 0; i < 50; i++) {
    logs = await wharf(d, ['logs', 'bg']);
    if (logs.stdout && logs.stderr) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual([logs?.code, logs?.stdout, logs?.stderr], [0, 'out\n', 'err\n']);
  const stamped = await ok(d, ['logs', '-t', '--tail', '1', 'bg']);
  assert.equal(stamped, '');
  const tailErr = await wharf(d, ['logs', '-t', '--tail', '1', 'bg']);
  assert.match(tailErr.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z err\n$/);
});

test('exec: exit codes, 127 for a missing command, stdin with -i', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  await ok(d, ['run', '-d', '--name', 'ex', 'busybox', 'sleep', '60']);
  assert.equal((await wharf(d, ['exec', 'ex', 'sh', '-c', 'exit 4'])).code, 4);
  assert.equal((await wharf(d, ['exec', 'ex', 'nonexistent-command'])).code, 127);
  assert.equal(await ok(d, ['exec', '-i', 'ex', 'cat'], { input: 'piped\n' }), 'piped\n');
  assert.equal(await ok(d, ['exec', '-e', 'A=1', '-w', '/tmp', '-u', '1000', 'ex', 'sh', '-c', 'echo $A $(pwd) $(id -u)']), '1 /tmp 1000\n');
  const none = await wharf(d, ['exec', 'nosuch', 'true']);
  assert.deepEqual([none.code, none.stderr], [1, 'Error response from daemon: No such container: nosuch\n']);
});

test('create, then start -a: output and exit code', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const id = (await ok(d, ['create', 'busybox', 'sh', '-c', 'echo started; exit 5'])).trim();
  const r = await wharf(d, ['start', '-a', id]);
  assert.deepEqual([r.code, r.stdout], [5, 'started\n']);
});

test('run -t gives a real terminal that follows the client\'s size', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const tty = await onTerminal(d, ['run', '-t', '--rm', 'busybox', 'tty'], '', 0);
  assert.equal(tty.code, 0, tty.stdout);
  assert.match(tty.stdout, /\/dev\/pts\/0/);
  const size = await onTerminal(d, ['run', '-it', '--rm', 'busybox', 'stty', 'size'], '', 0);
  assert.match(size.stdout, /33 111/);
});

test('run -it: typed input reaches the shell; ctrl-p ctrl-q detaches, exit 0, the container keeps running', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await daemonWithBusybox(t);
  const r = await onTerminal(d, ['run', '-it', '--name', 'shell', 'busybox', 'sh'], 'echo typed-$((6*7))\r<pause>\x10\x11', 1.5);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /typed-42/);
  assert.equal((await docker(d, ['inspect', '-f', '{{.State.Running}}', 'shell'])).stdout.trim(), 'true');
  const attached = await onTerminal(d, ['attach', 'shell'], 'echo again-$((2*3))\r<pause>\x10\x11', 1.5);
  assert.match(attached.stdout, /again-6/);
  assert.match(attached.stdout, /read escape sequence/);
  assert.equal(attached.code, 1);
  const exec = await onTerminal(d, ['exec', '-it', 'shell', 'sh', '-c', 'tty; exit 7'], '', 0);
  assert.match(exec.stdout, /\/dev\/pts\/\d+/);
  assert.equal(exec.code, 7);
});
