import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { requiresRoot } from './harness.js';
import { makeContainer, runtimeEnv, waitFor } from './runtime-fixture.js';
import { readLog } from '../../src/core/logs/log-reader.js';
import { LogRotation } from '../../src/core/logs/log-rotation.js';
import { logFileSet } from '../../src/core/logs/log-files.js';

test('max-size/max-file: the daemon rotates, conmon reopens, and a follower sees every line once, in order', async (t) => {
  if (!requiresRoot(t)) return;
  const env = await runtimeEnv(t);
  const id = env.newId();
  const lines = 3000;
  const { logPath } = await makeContainer(env, id, {
    // ~250 KB/s in bursts of 5 KB: rotation is checked on inotify events, so a burst can overshoot max-size a little.
    args: ['sh', '-c', `i=0; while [ $i -lt ${lines} ]; do echo line-$i; echo err-$i >&2; i=$((i+1)); [ $((i % 50)) -eq 0 ] && sleep 0.02; done; sleep 0.5`],
  });
  const rotation = new LogRotation({ path: logPath, maxSize: 20_000, maxFiles: 100, pollMs: 10, reopen: () => env.runtime.reopenLog(id) });
  t.after(() => rotation.stop());
  const ac = new AbortController();
  t.after(() => ac.abort());
  let exited!: () => void;
  const stop = new Promise<void>((r) => (exited = r));
  const watch = env.runtime.watchExits((exitedId) => exitedId === id && exited());
  t.after(() => watch.close());
  const followed: string[] = [];
  const following = (async () => {
    for await (const batch of readLog({ path: logPath, follow: true, stop, signal: ac.signal, pollMs: 50 })) {
      for (const e of batch) followed.push(`${e.stream}:${e.line.toString()}`);
    }
  })();
  rotation.start();
  await env.runtime.start(id);
  await following;
  rotation.stop();
  const expected = Array.from({ length: lines }, (_, i) => [`stdout:line-${i}`, `stderr:err-${i}`]).flat();
  const outs = followed.filter((l) => l.startsWith('stdout:'));
  const errs = followed.filter((l) => l.startsWith('stderr:'));
  assert.deepEqual(outs, expected.filter((l) => l.startsWith('stdout:')));
  assert.deepEqual(errs, expected.filter((l) => l.startsWith('stderr:')));
  const files = await logFileSet(logPath);
  assert.ok(files.length > 3, `rotated into ${files.length} files`);
  for (const f of files) assert.ok(fs.statSync(f).size < 40_000, `${f} stayed near max-size`);
  // Reading the rotated set afterwards gives the same, and tail spans files.
  const again: string[] = [];
  for await (const batch of readLog({ path: logPath })) for (const e of batch) again.push(`${e.stream}:${e.line.toString()}`);
  assert.deepEqual(again, followed);
  const tail: string[] = [];
  for await (const batch of readLog({ path: logPath, tail: 5 })) for (const e of batch) tail.push(`${e.stream}:${e.line.toString()}`);
  assert.deepEqual(tail, again.slice(-5));
  await waitFor(async () => (await env.runtime.readExit(id))?.exitCode === 0, 10_000, 'exit 0');
});
