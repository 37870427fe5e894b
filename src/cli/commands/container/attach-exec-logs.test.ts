import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { runWharf } from '../../cli-harness.test-support.js';
import { startFakeEngine, type FakeEngine } from '../../terminal/fake-engine.test-support.js';

async function created(e: FakeEngine, args: string[]): Promise<string> {
  const r = await runWharf(['create', ...args], { host: e.host });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
}

test('start prints the names it was given; failures are listed at the end (exit 1)', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['busybox', 'sleep']);
  const r = await runWharf(['start', id.slice(0, 64), 'nope'], { host: e.host });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, `${id}\n`);
  assert.equal(r.stderr, 'Error response from daemon: No such container: nope\nError: failed to start containers: nope\n');
});

test('start -a attaches, starts and returns the exit code', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['busybox', 'both']);
  const r = await runWharf(['start', '-a', id], { host: e.host });
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, 'to stdout\n', 'to stderr\n']);
  const exit3 = await created(e, ['busybox', 'exit', '3']);
  assert.equal((await runWharf(['container', 'start', '-a', exit3], { host: e.host })).status, 3);
});

test('start -a -i sends stdin only when the container was created with -i', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['-i', 'busybox', 'wc']);
  const r = await runWharf(['start', '-ai', id], { host: e.host, stdin: 'abc' });
  assert.deepEqual([r.status, r.stdout], [0, '3\n']);
  assert.equal(e.calls.filter((c) => c.path.endsWith('/attach')).at(-1)?.query.get('stdin'), '1');
});

test('start -a refuses several containers', async (t) => {
  const e = await startFakeEngine(t);
  const r = await runWharf(['start', '-a', 'a', 'b'], { host: e.host });
  assert.deepEqual([r.status, r.stderr], [1, 'you cannot start and attach multiple containers at once\n']);
});

test('attach: a stopped container is refused with docker\'s words', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['busybox', 'echo']);
  const r = await runWharf(['attach', id], { host: e.host });
  assert.deepEqual([r.status, r.stderr], [1, 'You cannot attach to a stopped container, start it first\n']);
});

test('attach to a running container: stdin in, output out, its exit code', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['-i', 'busybox', 'cat']);
  await runWharf(['start', id], { host: e.host });
  const before = e.calls.length;
  const r = await runWharf(['attach', id], { host: e.host, stdin: 'typed\n' });
  assert.deepEqual([r.status, r.stdout], [0, 'typed\n']);
  // compat: docker registers the wait before it inspects, and inspects again once attached.
  assert.deepEqual(e.paths().slice(before), ['POST /containers/{id}/wait', 'GET /containers/{id}/json', 'POST /containers/{id}/attach', 'GET /containers/{id}/json']);
  assert.equal(e.calls.find((c) => c.path.endsWith('/wait') && e.calls.indexOf(c) >= before)?.query.has('condition'), false);
});

test('attach --no-stdin leaves stdin alone', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['-i', 'busybox', 'cat']);
  await runWharf(['start', id], { host: e.host });
  const attached = runWharf(['attach', '--no-stdin', id], { host: e.host, stdin: 'ignored' });
  await until(() => e.calls.filter((c) => c.path.endsWith('/attach')).length === 1);
  assert.equal(e.calls.find((c) => c.path.endsWith('/attach'))?.query.has('stdin'), false);
  await runWharf(['start', id], { host: e.host }).catch(() => undefined);
  const c = e.containers.get(id);
  c?.conn?.end();
  await attached;
  assert.equal(c?.stdin, '');
});

test('exec runs in the container and exits with the exec\'s code', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['busybox', 'sleep']);
  await runWharf(['start', id], { host: e.host });
  const r = await runWharf(['exec', id, 'echo', 'hi'], { host: e.host });
  assert.deepEqual([r.status, r.stdout], [0, 'hi\n']);
  assert.equal((await runWharf(['exec', id, 'exit', '4'], { host: e.host })).status, 4);
  assert.deepEqual(e.paths().slice(-3), ['GET /containers/{id}/json', 'POST /containers/{id}/exec', 'POST /exec/{exec}/start', 'GET /exec/{exec}/json'].slice(-3));
  const body = JSON.parse(e.calls.find((c) => c.path.endsWith('/exec'))?.body ?? '{}') as Record<string, unknown>;
  assert.deepEqual(body, { User: '', Privileged: false, Tty: false, ConsoleSize: null, AttachStdin: false, AttachStderr: true, AttachStdout: true, DetachKeys: '', Env: null, WorkingDir: '', Cmd: ['echo', 'hi'] });
});

test('exec -i pipes stdin; -e, -w, -u and --privileged reach the exec', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['busybox', 'sleep']);
  await runWharf(['start', id], { host: e.host });
  const r = await runWharf(['exec', '-i', '-e', 'A=1', '-w', '/tmp', '-u', '1000', '--privileged', id, 'wc'], { host: e.host, stdin: 'hello' });
  assert.deepEqual([r.status, r.stdout], [0, '5\n']);
  const body = JSON.parse(e.calls.find((c) => c.path.endsWith('/exec'))?.body ?? '{}') as Record<string, unknown>;
  assert.deepEqual([body.Env, body.WorkingDir, body.User, body.Privileged, body.AttachStdin], [['A=1'], '/tmp', '1000', true, true]);
});

test('exec -d starts detached; exec into a stopped container is the daemon\'s 409; no such container first', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['busybox', 'sleep']);
  const stopped = await runWharf(['exec', id, 'echo'], { host: e.host });
  assert.equal(stopped.status, 1);
  assert.match(stopped.stderr, /^Error response from daemon: container .* is not running\n$/);
  await runWharf(['start', id], { host: e.host });
  const d = await runWharf(['exec', '-d', id, 'echo', 'x'], { host: e.host });
  assert.deepEqual([d.status, d.stdout], [0, '']);
  assert.equal(JSON.parse(e.calls.at(-1)?.body ?? '{}').Detach, true);
  const none = await runWharf(['exec', 'nope', 'echo'], { host: e.host });
  assert.deepEqual([none.status, none.stderr], [1, 'Error response from daemon: No such container: nope\n']);
  const notTty = await runWharf(['exec', '-it', id, 'sh'], { host: e.host });
  assert.deepEqual([notTty.status, notTty.stderr], [1, 'the input device is not a TTY\n']);
});

test('logs: stdout and stderr kept apart; options become the query', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['busybox', 'both']);
  await runWharf(['start', '-a', id], { host: e.host });
  const r = await runWharf(['logs', '-t', '--tail', '5', '--details', '--since', '10m', '--until', '2024-01-02T03:04:05Z', id], { host: e.host, now: 1_700_000_000_000 });
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, 'to stdout\n', 'to stderr\n']);
  const q = e.calls.find((c) => c.path.endsWith('/logs'))?.query;
  assert.equal(q?.toString(), 'stdout=1&stderr=1&since=1699999400&until=1704164645.000000000&timestamps=1&details=1&tail=5');
});

test('logs: a bad --since is refused before the request', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['busybox', 'echo']);
  const r = await runWharf(['logs', '--since', 'yesterday', id], { host: e.host });
  assert.deepEqual([r.status, r.stderr], [1, 'invalid value for "since": failed to parse value as time or duration: "yesterday"\n']);
  assert.equal(e.calls.some((c) => c.path.endsWith('/logs')), false);
});

test('run -t: raw output, stdout only, and the size follows the terminal', async (t) => {
  const e = await startFakeEngine(t);
  const stdin = new PassThrough();
  stdin.end();
  const r = await runWharf(['run', '-t', 'busybox', 'both'], { host: e.host, stdin, stdoutIsTTY: true });
  assert.equal(r.stdout, 'to stdout\r\nto stderr\r\n');
  assert.equal(r.stderr, '');
});

test('exec keeps the terminal size updated when attached to a TTY and the stdout is one', async (t) => {
  const e = await startFakeEngine(t);
  const id = await created(e, ['busybox', 'sleep']);
  await runWharf(['start', id], { host: e.host });
  await until(() => e.containers.get(id)?.running === true);
  const r = await runWharf(['exec', '-t', id, 'echo', 'x'], { host: e.host });
  assert.equal(r.stdout, 'x\r\n');
});
