import { test } from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import { requiresRoot } from './harness.js';
import { makeContainer, runtimeEnv, waitFor } from './runtime-fixture.js';
import { readLog } from '../../src/core/logs/log-reader.js';
import { classifyStartFailure } from '../../src/core/runtime/start-failure.js';

/** collect gathers a stream's text as it arrives (a test can look at it before the stream ends). */
function collect(stream: Readable): { text: () => string } {
  let s = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => (s += d));
  return { text: () => s };
}

test('tty: the pty has the size set before start, follows a resize, and its output is on stdout', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  const { logPath } = await makeContainer(env, id, { tty: true, openStdin: true, args: ['sh'] });
  const io = await env.runtime.attach(id, { stdin: true });
  const out = collect(io.stdout);
  const err = collect(io.stderr);
  await env.runtime.resize(id, { height: 30, width: 100 });
  await env.runtime.start(id);
  io.stdin?.write('stty size; tty\n');
  await waitFor(() => out.text().includes('/dev/pts/0'), 10_000, 'tty output');
  assert.match(out.text(), /30 100\r\n/);
  await env.runtime.resize(id, { height: 40, width: 120 });
  io.stdin?.write('stty size; echo oops >&2; exit 3\n');
  await io.closed;
  assert.match(out.text(), /40 120\r\n/);
  assert.match(out.text(), /oops/, 'a pty merges stderr into stdout');
  assert.equal(err.text(), '');
  await waitFor(async () => (await env.runtime.readExit(id)) !== undefined, 10_000, 'exit');
  assert.equal((await env.runtime.readExit(id))?.exitCode, 3);
  let logged = '';
  for await (const batch of readLog({ path: logPath })) for (const e of batch) logged += `${e.stream}:${e.line.toString()}${e.partial ? '' : '\n'}`;
  assert.match(logged, /stdout:40 120\r\n/);
  assert.doesNotMatch(logged, /stderr:/);
});

test('-i without -t: stdin is piped and closed on EOF; stdout and stderr stay apart', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  await makeContainer(env, id, { openStdin: true, stdinOnce: true, args: ['sh', '-c', 'cat; echo eof-seen >&2; exit 5'] });
  const io = await env.runtime.attach(id, { stdin: true });
  const stdout = text(io.stdout);
  const stderr = text(io.stderr);
  await env.runtime.start(id);
  const big = 'x'.repeat(100_000);
  io.stdin?.write(`line one\n${big}\n`);
  io.stdin?.end('last line, no newline');
  assert.equal(await stdout, `line one\n${big}\nlast line, no newline`);
  assert.equal(await stderr, 'eof-seen\n');
  await io.closed;
  await waitFor(async () => (await env.runtime.readExit(id))?.exitCode === 5, 10_000, 'exit 5');
});

test('attach to a running container sees output from then on; detach leaves it running; several clients at once', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  await makeContainer(env, id, { args: ['sh', '-c', 'i=0; while true; do echo tick-$i; echo tock-$i >&2; i=$((i+1)); sleep 0.05; done'] });
  await env.runtime.start(id);
  await new Promise((r) => setTimeout(r, 300));
  const a = await env.runtime.attach(id, { stdin: false });
  const b = await env.runtime.attach(id, { stdin: false });
  const outA = collect(a.stdout);
  const errA = collect(a.stderr);
  const outB = collect(b.stdout);
  await waitFor(() => outA.text().split('\n').length > 4 && outB.text().split('\n').length > 4, 10_000, 'output on both');
  assert.match(outA.text(), /^tick-\d+\n/);
  assert.doesNotMatch(outA.text(), /tick-0\n/, 'output from before the attach is not replayed');
  assert.match(errA.text(), /tock-\d+\n/);
  assert.doesNotMatch(outA.text(), /tock/);
  a.detach();
  await a.closed;
  assert.equal((await env.runtime.state(id))?.status, 'running');
  const lenB = outB.text().length;
  await waitFor(() => outB.text().length > lenB, 5000, 'the other client still gets output');
  await env.runtime.kill(id, 9);
  await b.closed;
  // conmon closes its clients before it writes the exit file and closes its listener: wait until it is gone, or a
  // connect in that gap is (correctly) accepted.
  await waitFor(async () => !(await env.runtime.isMonitorAlive(id)), 10_000, 'conmon to exit');
  await assert.rejects(env.runtime.attach(id, { stdin: false }), { kind: 'Unavailable', code: 'WHARF_MONITOR_GONE' });
});

test('exec: attached with stdin, with a tty, detached, and failing to start (Docker-length IDs)', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  // 63- and 64-character IDs put the exec attach socket's path well past sun_path's 108 bytes.
  const id = env.newId('a'.repeat(50));
  const hex = (n: number): string => n.toString(16).padStart(64, '0');
  await makeContainer(env, id, { args: ['sleep', '1000'] });
  await env.runtime.start(id);
  const proc = { user: { uid: 0, gid: 0 }, env: ['PATH=/bin'], cwd: '/' };

  const e1 = await env.runtime.exec(id, { execId: hex(1), process: { ...proc, args: ['sh', '-c', 'cat; echo to-err >&2; exit 42'] }, tty: false, stdin: true, attach: true });
  assert.ok(e1.pid > 0);
  const out1 = text(e1.io?.stdout ?? assert.fail());
  const err1 = text(e1.io?.stderr ?? assert.fail());
  e1.io?.stdin?.end('piped in\n');
  assert.deepEqual(await e1.exited, { exitCode: 42 });
  assert.equal(await out1, 'piped in\n');
  const busy = await env.runtime.exec(id, { execId: hex(5), process: { ...proc, args: ['sleep', '5'] }, tty: false, stdin: false, attach: false });
  await assert.rejects(env.runtime.exec(id, { execId: hex(5), process: { ...proc, args: ['true'] }, tty: false, stdin: false, attach: false }), { code: 'WHARF_RUNTIME_CONTAINER_EXISTS' });
  process.kill(busy.pid, 'SIGKILL');
  assert.equal((await busy.exited).exitCode, 137);
  assert.equal(await err1, 'to-err\n');

  const e2 = await env.runtime.exec(id, { execId: hex(2), process: { ...proc, args: ['sh', '-c', 'stty size; tty; exit 2'] }, tty: true, stdin: false, attach: true, consoleSize: { height: 20, width: 70 } });
  const out2 = text(e2.io?.stdout ?? assert.fail());
  assert.deepEqual(await e2.exited, { exitCode: 2 });
  assert.equal(await out2, '20 70\r\n/dev/pts/0\r\n');

  const e3 = await env.runtime.exec(id, { execId: hex(3), process: { ...proc, args: ['sh', '-c', 'echo detached > /dev/null; exit 9'] }, tty: false, stdin: false, attach: false });
  assert.equal(e3.io, undefined);
  assert.deepEqual(await e3.exited, { exitCode: 9 });

  const err = await env.runtime.exec(id, { execId: hex(4), process: { ...proc, args: ['nosuch'] }, tty: false, stdin: false, attach: true }).then(() => assert.fail('started'), (e: unknown) => e as Error & { code: string });
  assert.equal(err.code, 'WHARF_RUNTIME_EXEC_FAILED');
  assert.match(err.message, /exec: "nosuch": executable file not found in \$PATH/);
  assert.equal(classifyStartFailure(err.message, 'nosuch').exitCode, 127);
  assert.equal((await env.runtime.state(id))?.status, 'running', 'the container is unaffected');
});
