import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { requiresRoot } from './harness.js';
import { makeContainer, runtimeEnv, waitFor } from './runtime-fixture.js';
import { readLog } from '../../src/core/logs/log-reader.js';
import { classifyStartFailure } from '../../src/core/runtime/start-failure.js';
import { parseSignal } from '../../src/core/runtime/signal.js';
import type { ExitInfo } from '../../src/core/runtime/container-runtime.js';

async function logLines(logPath: string): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readLog({ path: logPath })) for (const e of batch) out.push(`${e.stream}:${e.line.toString()}`);
  return out;
}

test('create + start on an overlay root: exit code via the exit file and watchExits; stdout and stderr apart in the log', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const exits: Array<[string, ExitInfo]> = [];
  const watch = env.runtime.watchExits((id, e) => exits.push([id, e]));
  t.after(() => watch.close());
  const id = env.newId();
  const { pid, logPath } = await makeContainer(env, id, { overlay: true, args: ['sh', '-c', 'echo to-out; echo to-err >&2; echo written > /tmp/f; exit 7'] });
  assert.ok(pid > 0);
  assert.deepEqual(await env.runtime.state(id), { status: 'created', pid });
  assert.equal(await env.runtime.isMonitorAlive(id), true);
  assert.equal(await env.runtime.readExit(id), undefined);
  const before = Date.now();
  await env.runtime.start(id);
  await waitFor(() => exits.length > 0, 10_000, 'exit reported');
  const [exitedId, exit] = exits[0] ?? assert.fail();
  assert.equal(exitedId, id);
  assert.equal(exit.exitCode, 7);
  assert.equal(exit.oomKilled, false);
  assert.ok(exit.exitedAt.getTime() >= before - 50 && exit.exitedAt.getTime() <= Date.now());
  assert.deepEqual(await env.runtime.readExit(id), exit);
  assert.equal((await env.runtime.state(id))?.status, 'stopped');
  await waitFor(async () => !(await env.runtime.isMonitorAlive(id)), 5000, 'monitor gone');
  assert.deepEqual(await logLines(logPath), ['stdout:to-out', 'stderr:to-err']);
  // The container wrote into its own upper layer, not into the shared image layer.
  assert.equal(fs.existsSync(path.join(env.layer, 'tmp', 'f')), false);
  assert.equal(fs.readFileSync(path.join(env.dir, `${id}-upper`, 'tmp', 'f'), 'utf8'), 'written\n');
  await env.runtime.delete(id);
  assert.equal(await env.runtime.state(id), undefined);
  assert.equal(await env.runtime.readExit(id), undefined);
  await assert.rejects(env.runtime.removeBundle(id), { code: 'WHARF_BUNDLE_MOUNTED' });
  await env.mounter.unmount(path.join(env.runtime.bundleDir(id), 'rootfs'));
  await env.runtime.removeBundle(id);
  assert.equal(fs.existsSync(env.runtime.bundleDir(id)), false);
});

test('a missing command fails create with runc\'s message, which classifies as 127', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  const err = await makeContainer(env, id, { args: ['nosuch'] }).then(() => assert.fail('created'), (e: unknown) => e as Error & { code: string });
  assert.equal(err.code, 'WHARF_RUNTIME_CREATE_FAILED');
  assert.match(err.message, /exec: "nosuch": executable file not found in \$PATH/);
  assert.equal(classifyStartFailure(err.message, 'nosuch').exitCode, 127);
  assert.equal(await env.runtime.state(id), undefined, 'nothing left in runc');
  const denied = env.newId();
  const err2 = await makeContainer(env, denied, { args: ['/tmp'] }).then(() => assert.fail('created'), (e: unknown) => e as Error);
  assert.equal(classifyStartFailure(err2.message, '/tmp').exitCode, 126);
});

test('kill with SIGTERM reaches a trapping process; SIGKILL gives 137; state, pause and resume follow', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  await makeContainer(env, id, { args: ['sh', '-c', 'trap "echo got-term; exit 42" TERM; while true; do sleep 0.1; done'] });
  await env.runtime.start(id);
  assert.equal((await env.runtime.state(id))?.status, 'running');
  await env.runtime.pause(id);
  assert.equal((await env.runtime.state(id))?.status, 'paused');
  await assert.rejects(env.runtime.pause(id), { kind: 'Conflict', code: 'WHARF_RUNTIME_STATE_CONFLICT' });
  await env.runtime.resume(id);
  assert.equal((await env.runtime.state(id))?.status, 'running');
  await env.runtime.update(id, { memory: { limit: 64 * 1024 * 1024 } });
  await env.runtime.kill(id, parseSignal('SIGTERM'));
  await waitFor(async () => (await env.runtime.readExit(id)) !== undefined, 10_000, 'exit after TERM');
  assert.equal((await env.runtime.readExit(id))?.exitCode, 42);
  await assert.rejects(env.runtime.kill(id, 15), { kind: 'Conflict', code: 'WHARF_RUNTIME_STATE_CONFLICT' });

  // The same ID again (a restart): the stopped runc container is replaced and the old exit record cleared.
  await env.mounter.unmount(path.join(env.runtime.bundleDir(id), 'rootfs'));
  await makeContainer(env, id, { args: ['sleep', '1000'] });
  assert.equal(await env.runtime.readExit(id), undefined);
  await env.runtime.start(id);
  await env.runtime.kill(id, parseSignal('KILL'));
  await waitFor(async () => (await env.runtime.readExit(id)) !== undefined, 10_000, 'exit after KILL');
  assert.equal((await env.runtime.readExit(id))?.exitCode, 137);
  await assert.rejects(env.runtime.kill('nosuch-container', 9), { kind: 'NotFound', code: 'WHARF_NO_SUCH_RUNTIME_CONTAINER' });
  assert.ok((await env.runtime.list()).includes(id));
});

test('a live container of the same ID is not replaced', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  await makeContainer(env, id, { args: ['sleep', '1000'] });
  await assert.rejects(env.runtime.create(id, { tty: false, openStdin: false, stdinOnce: false }), { kind: 'AlreadyExists', code: 'WHARF_RUNTIME_CONTAINER_EXISTS' });
  await assert.rejects(env.runtime.create(env.newId(), { tty: false, openStdin: false, stdinOnce: false }), { code: 'WHARF_NO_BUNDLE' });
});

test('a container over its memory limit is OOM-killed and the exit record says so', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  await makeContainer(env, id, { memory: 8 * 1024 * 1024, args: ['sh', '-c', 'x=aaaaaaaaaaaaaaaaaaaaaaaa; while true; do x=$x$x; done'] });
  await env.runtime.start(id);
  await waitFor(async () => (await env.runtime.readExit(id)) !== undefined, 20_000, 'OOM exit');
  const exit = await env.runtime.readExit(id);
  assert.equal(exit?.exitCode, 137);
  assert.equal(exit?.oomKilled, true);
});

test('--log-size-max: conmon starts the log afresh instead of growing it', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  const { logPath } = await makeContainer(env, id, { logMaxSize: 4000, args: ['sh', '-c', 'i=0; while [ $i -lt 500 ]; do echo line-$i; i=$((i+1)); done'] });
  await env.runtime.start(id);
  await waitFor(async () => (await env.runtime.readExit(id)) !== undefined, 10_000, 'exit');
  assert.ok(fs.statSync(logPath).size <= 4000);
  const lines = await logLines(logPath);
  assert.equal(lines.at(-1), 'stdout:line-499');
  assert.ok(lines.length < 500);
});
