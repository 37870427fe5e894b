import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, requiresRoot } from './harness.js';
import { baseSpec, makeContainer, runtimeEnv, waitFor } from './runtime-fixture.js';
import { ConmonRuntime } from '../../src/os/conmon/conmon-runtime.js';
import { isAlive } from '../../src/os/proc/proc-stat.js';
import { readPidFile } from '../../src/os/proc/pid-file.js';
import type { ExitInfo } from '../../src/core/runtime/container-runtime.js';

// The stand-in daemon: creates and starts two containers through ConmonRuntime, says "ready", then waits to be killed.
const STAND_IN = `
import { ConmonRuntime } from ${JSON.stringify(path.join(REPO_ROOT, 'dist/src/os/conmon/conmon-runtime.js'))};
const [execRoot, ...ids] = process.argv.slice(2);
const rt = await ConmonRuntime.open({ execRoot });
for (const id of ids) {
  await rt.create(id, { tty: false, openStdin: true, stdinOnce: false, logPath: execRoot + '/' + id + '.log' });
  await rt.start(id);
}
process.stdout.write('ready\\n');
setInterval(() => undefined, 1000);
`;

test('kill -9 of the daemon leaves containers running, attachable and logging; exits meanwhile are found after', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const longId = env.newId('long');
  const shortId = env.newId('short');
  const spec = baseSpec();
  const proc = spec.process as Record<string, unknown>;
  proc.terminal = false;
  proc.env = ['PATH=/bin'];
  for (const [id, script] of [[longId, 'i=0; while true; do echo beat-$i; i=$((i+1)); sleep 0.1; done'], [shortId, 'sleep 1; echo done; exit 17']] as const) {
    proc.args = ['sh', '-c', script];
    const bundle = await env.runtime.prepareBundle(id, spec);
    await env.mounter.mount([{ type: 'bind', source: env.layer, options: ['rbind', 'ro'] }], path.join(bundle, 'rootfs'));
  }
  const script = path.join(env.dir, 'stand-in.mjs');
  fs.writeFileSync(script, STAND_IN);
  const daemon = spawn(process.execPath, [script, env.runtime.layout.root, longId, shortId], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => {
    if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
  });
  const ready = new Promise<void>((resolve, reject) => {
    daemon.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && resolve());
    daemon.on('exit', (code) => reject(new Error(`stand-in daemon exited with ${code}`)));
  });
  await ready;
  const gone = new Promise((r) => daemon.on('exit', r));
  daemon.kill('SIGKILL');
  await gone;

  // A new daemon process (this one) picks up where the old one left.
  const rt = await ConmonRuntime.open({ execRoot: env.runtime.layout.root });
  assert.equal((await rt.state(longId))?.status, 'running');
  assert.equal(await rt.isMonitorAlive(longId), true);
  const monitorPid = await readPidFile(path.join(rt.bundleDir(longId), 'conmon.pid'));
  assert.ok(monitorPid !== undefined && monitorPid !== daemon.pid && (await isAlive(monitorPid, { comm: 'conmon' })));
  const io = await rt.attach(longId, { stdin: false });
  let seen = '';
  io.stdout.on('data', (b: Buffer) => (seen += b.toString()));
  await waitFor(() => /beat-\d+\n.*beat-\d+\n/s.test(seen), 10_000, 'output after the restart');
  io.detach();
  const logPath = path.join(rt.layout.root, `${longId}.log`);
  const logSize = fs.statSync(logPath).size;
  await waitFor(() => fs.statSync(logPath).size > logSize, 5000, 'the log keeps growing');

  // The short container exits while no daemon runs; a watch that reports existing exits finds it afterwards.
  await waitFor(() => fs.existsSync(rt.layout.exitFile(shortId)), 10_000, 'the short container exits');
  const early: Array<[string, ExitInfo]> = [];
  const w = rt.watchExits((id, e) => early.push([id, e]), { existing: true });
  t.after(() => w.close());
  await waitFor(() => early.some(([id]) => id === shortId), 10_000, 'exit of the short container reported');
  const exit = early.find(([id]) => id === shortId)?.[1];
  assert.equal(exit?.exitCode, 17);
  assert.ok(exit !== undefined && Date.now() - exit.exitedAt.getTime() < 10_000);
  assert.deepEqual(await rt.readExit(shortId), exit);
  const shortLog = fs.readFileSync(path.join(rt.layout.root, `${shortId}.log`), 'utf8');
  assert.match(shortLog, / stdout F done\n$/);

  await rt.kill(longId, 9);
  await waitFor(async () => (await rt.readExit(longId))?.exitCode === 137, 10_000, 'long container killed');
  await waitFor(async () => !(await rt.isMonitorAlive(longId)), 5000, 'monitor exits with its container (a zombie counts as gone)');
});

test('1 GiB through an attached client that keeps up leaves the daemon\'s memory flat', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  const total = 1024 * 1024 * 1024;
  await makeContainer(env, id, { log: false, args: ['head', '-c', String(total), '/dev/zero'] });
  const io = await env.runtime.attach(id, { stdin: false });
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  let bytes = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  t.after(() => clearInterval(sampler));
  const started = Date.now();
  await env.runtime.start(id);
  for await (const chunk of io.stdout) bytes += (chunk as Buffer).length;
  clearInterval(sampler);
  const secs = (Date.now() - started) / 1000;
  t.diagnostic(`${bytes} bytes in ${secs.toFixed(1)} s (${(bytes / 1e6 / secs).toFixed(0)} MB/s); rss +${((peak - before) / 1e6).toFixed(0)} MB`);
  assert.equal(bytes, total);
  assert.ok(peak - before < 100 * 1024 * 1024, `rss grew by ${peak - before} bytes`);
  await waitFor(async () => (await env.runtime.readExit(id))?.exitCode === 0, 10_000, 'exit 0');
});
