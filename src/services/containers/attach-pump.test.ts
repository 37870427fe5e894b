import test from 'node:test';
import assert from 'node:assert/strict';
import { Duplex, PassThrough, Writable } from 'node:stream';
import { pumpStreams } from './attach-pump.js';
import { collect, fakeAttach } from './attach-testing.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('pumpStreams copies output apart and ends when the process exits', async () => {
  const h = fakeAttach(false);
  const out = collect();
  const err = collect();
  const done = pumpStreams(h, { stdout: out.writable, stderr: err.writable }, { tty: false, closeStdin: false });
  h.stdout.write('out\n');
  h.stderr.write('err\n');
  h.exit();
  assert.equal(await done, 'ended');
  assert.equal(out.text(), 'out\n');
  assert.equal(err.text(), 'err\n');
  assert.equal(h.detached, false);
});

test('pumpStreams drains output the client did not ask for', async () => {
  const h = fakeAttach(false);
  const out = collect();
  const done = pumpStreams(h, { stdout: out.writable }, { tty: false, closeStdin: false });
  h.stderr.write(Buffer.alloc(1 << 20));
  h.stdout.write('x');
  h.exit();
  assert.equal(await done, 'ended');
  assert.equal(out.text(), 'x');
});

test('pumpStreams with closeStdin closes the process stdin on input EOF and keeps streaming', async () => {
  const h = fakeAttach();
  const input = new PassThrough();
  const out = collect();
  const done = pumpStreams(h, { stdin: input, stdout: out.writable }, { tty: false, closeStdin: true });
  input.end('data\n');
  await tick();
  await tick();
  assert.equal(h.stdinEnded, true);
  assert.equal(Buffer.concat(h.received).toString(), 'data\n');
  h.stdout.write('5\n');
  h.exit();
  assert.equal(await done, 'ended');
  assert.equal(out.text(), '5\n');
});

test('pumpStreams leaves a half-closed client connection open for the output', async () => {
  const h = fakeAttach();
  const written: Buffer[] = [];
  // A socket-like duplex: the client ended its write side (our readable), our writable side stays open.
  const conn = new Duplex({ allowHalfOpen: true, read: () => undefined, write: (c: Buffer, _e, cb) => (written.push(c), cb()) });
  const done = pumpStreams(h, { stdin: conn, stdout: conn }, { tty: false, closeStdin: true });
  conn.push('in');
  conn.push(null);
  await tick();
  await tick();
  assert.equal(h.stdinEnded, true);
  assert.equal(conn.destroyed, false);
  h.stdout.write('out');
  h.exit();
  assert.equal(await done, 'ended');
  assert.equal(Buffer.concat(written).toString(), 'out');
});

test('pumpStreams without closeStdin ends the session at input EOF, leaving the process alone', async () => {
  const h = fakeAttach();
  const input = new PassThrough();
  const done = pumpStreams(h, { stdin: input, stdout: collect().writable }, { tty: false, closeStdin: false });
  input.end('x');
  assert.equal(await done, 'input-ended');
  assert.equal(h.stdinEnded, false);
  assert.equal(h.detached, true);
});

test('pumpStreams detaches on the detach keys with a TTY only', async () => {
  const h = fakeAttach();
  const input = new PassThrough();
  const done = pumpStreams(h, { stdin: input, stdout: collect().writable }, { tty: true, closeStdin: false });
  input.write(Buffer.from([108, 115, 16]));
  input.write(Buffer.from([17, 120]));
  assert.equal(await done, 'detached');
  assert.equal(Buffer.concat(h.received).toString(), 'ls');
  assert.equal(h.detached, true);

  const raw = fakeAttach();
  const rawInput = new PassThrough();
  const rawDone = pumpStreams(raw, { stdin: rawInput, stdout: collect().writable }, { tty: false, closeStdin: true });
  rawInput.end(Buffer.from([16, 17]));
  await tick();
  await tick();
  assert.deepEqual([...Buffer.concat(raw.received)], [16, 17], 'binary stdin without a TTY passes untouched');
  raw.exit();
  assert.equal(await rawDone, 'ended');
});

test('pumpStreams honours custom detach keys', async () => {
  const h = fakeAttach();
  const input = new PassThrough();
  const done = pumpStreams(h, { stdin: input, stdout: collect().writable }, { tty: true, closeStdin: false, detachKeys: Uint8Array.of(24) });
  input.write(Buffer.from([16, 17, 97, 24]));
  assert.equal(await done, 'detached');
  assert.deepEqual([...Buffer.concat(h.received)], [16, 17, 97]);
});

test('pumpStreams ends as client-gone when the signal aborts or the client stops taking output', async () => {
  const h = fakeAttach();
  const ac = new AbortController();
  const done = pumpStreams(h, { stdout: collect().writable }, { tty: false, closeStdin: false, signal: ac.signal });
  ac.abort();
  assert.equal(await done, 'client-gone');
  assert.equal(h.detached, true);

  const h2 = fakeAttach();
  const broken = new Writable({ write: (_c, _e, cb) => cb(new Error('EPIPE')) });
  const done2 = pumpStreams(h2, { stdout: broken }, { tty: false, closeStdin: false });
  h2.stdout.write('x');
  assert.equal(await done2, 'client-gone');
  assert.equal(h2.detached, true);
});
