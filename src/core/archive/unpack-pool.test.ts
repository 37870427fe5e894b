import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acquireUnpackWorker, releaseUnpackWorker } from './unpack-pool.js';

test('a released worker is handed out again; more than two idle workers are ended', async () => {
  const a = acquireUnpackWorker();
  releaseUnpackWorker(a);
  assert.equal(acquireUnpackWorker(), a);
  const b = acquireUnpackWorker();
  const c = acquireUnpackWorker();
  assert.notEqual(b, a);
  assert.notEqual(c, b);
  const exited = new Promise((resolve) => c.once('exit', resolve));
  releaseUnpackWorker(a);
  releaseUnpackWorker(b);
  releaseUnpackWorker(c);
  await exited;
  const again = [acquireUnpackWorker(), acquireUnpackWorker()];
  assert.deepEqual(new Set(again), new Set([a, b]));
  await Promise.all([a.terminate(), b.terminate()]);
});

test('a worker that dies while idle leaves the pool', async () => {
  const a = acquireUnpackWorker();
  releaseUnpackWorker(a);
  await a.terminate();
  const b = acquireUnpackWorker();
  assert.notEqual(b, a);
  await b.terminate();
});
