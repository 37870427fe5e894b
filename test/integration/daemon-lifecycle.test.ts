// wharfd's lifecycle as an operator meets it: one daemon per data root, clean SIGTERM shutdown, and a store that is
// consistent after a kill -9 in the middle of a write.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { docker, requiresRoot, run, startDaemon, wharf, REPO_ROOT } from './harness.js';

test('a second wharfd on the same data root refuses to start; SIGTERM shuts down cleanly', async (t) => {
  if (!requiresRoot(t)) return;
  const d = await startDaemon(t);
  const second = await run(process.execPath, [path.join(REPO_ROOT, 'dist/src/daemon/main.js'), '--data-root', d.dataRoot,
    '--exec-root', path.join(d.dir, 'exec2'), '-H', `unix://${path.join(d.dir, 'second.sock')}`, '--config-file', path.join(REPO_ROOT, 'test/fixtures/empty-daemon.json')]);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /another wharfd is already running with data root/);
  assert.ok(fs.existsSync(d.socket), 'the first daemon still serves');
  assert.equal(await d.stop(), 0);
  assert.equal(fs.existsSync(d.socket), false, 'the socket is removed on shutdown');
  assert.equal(fs.existsSync(path.join(d.dir, 'exec', 'wharfd.pid')), false, 'the pid file is removed on shutdown');
});

test('kill -9 during a load leaves a consistent store that the next daemon opens', async (t) => {
  if (!requiresRoot(t)) return;
  const first = await startDaemon(t, {});
  assert.equal((await wharf(first, ['image', 'bootstrap', 'busybox'])).code, 0);
  const archive = path.join(first.dir, 'busybox.tar');
  assert.equal((await wharf(first, ['save', '-o', archive, 'busybox'])).code, 0);
  assert.equal((await wharf(first, ['rmi', 'busybox'])).code, 0);

  // Kill the daemon while it is reading the archive: the request body arrives slowly, in small pieces.
  const bytes = fs.readFileSync(archive);
  const http = await import('node:http');
  const req = http.request({ socketPath: first.socket, method: 'POST', path: '/images/load', headers: { 'Content-Type': 'application/x-tar' } });
  req.on('error', () => undefined);
  req.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
  await new Promise((r) => setTimeout(r, 300));
  first.process.kill('SIGKILL');
  await first.stop();

  const second = await startDaemon(t, { dir: first.dir });
  const images = await docker(second, ['images', '-q']);
  assert.equal(images.code, 0, images.stderr);
  assert.equal(images.stdout.trim(), '', 'the half-loaded image did not become visible');
  assert.deepEqual(fs.readdirSync(path.join(second.dataRoot, 'content', 'ingest')), [], 'stale ingest files are removed at start-up');
  assert.deepEqual(fs.readdirSync(path.join(second.dataRoot, 'snapshots', 'tmp')), [], 'half-unpacked layers are removed at start-up');
  const load = await wharf(second, ['load', '-i', archive]);
  assert.equal(load.code, 0, load.stderr);
  assert.match(load.stdout, /Loaded image: busybox:latest/);
  // The directory belongs to the first daemon's cleanup: stop the second one before that runs.
  assert.equal(await second.stop(), 0);
});
