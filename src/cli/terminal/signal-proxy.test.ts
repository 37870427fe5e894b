import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { PROXIED_SIGNALS, forwardSignals } from './signal-proxy.js';
import { initTtySize, monitorTtySize } from './tty-size.js';

test('signals are forwarded by docker\'s names, in order, until stopped', async () => {
  const source = new EventEmitter();
  const sent: string[] = [];
  const stop = forwardSignals(async (s) => {
    await new Promise((r) => setTimeout(r, 5));
    sent.push(s);
  }, source);
  source.emit('SIGINT', 'SIGINT');
  source.emit('SIGTERM', 'SIGTERM');
  source.emit('SIGHUP', 'SIGHUP');
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(sent, ['INT', 'TERM', 'HUP']);
  stop();
  for (const s of PROXIED_SIGNALS) assert.equal(source.listenerCount(s), 0, s);
  assert.equal(PROXIED_SIGNALS.includes('SIGUSR1' as never), false);
});

test('a failing kill does not stop the forwarding', async () => {
  const source = new EventEmitter();
  const sent: string[] = [];
  const stop = forwardSignals(async (s) => {
    sent.push(s);
    throw new Error('daemon gone');
  }, source);
  source.emit('SIGINT', 'SIGINT');
  source.emit('SIGQUIT', 'SIGQUIT');
  await new Promise((r) => setTimeout(r, 10));
  stop();
  assert.deepEqual(sent, ['INT', 'QUIT']);
});

function fakeTty(rows: number, columns: number): PassThrough & { isTTY: boolean; rows: number; columns: number } {
  return Object.assign(new PassThrough(), { isTTY: true, rows, columns });
}

test('the terminal size is sent at once and on every resize', async () => {
  const out = fakeTty(24, 80);
  const sizes: string[] = [];
  const stop = monitorTtySize(out, new PassThrough(), async (h, w) => {
    sizes.push(`${h}x${w}`);
  });
  await new Promise((r) => setImmediate(r));
  out.rows = 40;
  out.columns = 100;
  out.emit('resize');
  await new Promise((r) => setImmediate(r));
  stop();
  out.emit('resize');
  assert.deepEqual(sizes, ['24x80', '40x100']);
});

test('a first resize that fails is retried, then reported', async (t) => {
  // The retry timers do not keep a CLI alive; this one keeps the test's event loop busy meanwhile.
  const keep = setInterval(() => undefined, 1000);
  t.after(() => clearInterval(keep));
  const stderr = new PassThrough();
  let errText = '';
  stderr.on('data', (d: Buffer) => (errText += d.toString()));
  let calls = 0;
  await initTtySize(fakeTty(10, 10), stderr, async () => {
    calls++;
    throw new Error('not yet');
  });
  assert.equal(calls, 11);
  assert.equal(errText, 'failed to resize tty, using default size\n');
  let tries = 0;
  await initTtySize(fakeTty(10, 10), stderr, async () => {
    if (++tries < 3) throw new Error('not yet');
  });
  assert.equal(tries, 3);
});

test('no size is sent when the output is not a terminal', async () => {
  let called = false;
  await initTtySize(new PassThrough(), new PassThrough(), async () => {
    called = true;
  });
  assert.equal(called, false);
});
