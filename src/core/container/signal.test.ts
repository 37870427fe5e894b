import test from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STOP_SIGNAL, parseSignal, signalName, stopSignalOf } from './signal.js';

test('parseSignal reads names with and without SIG, in any case, and numbers', () => {
  const cases: [string, number, string][] = [
    ['SIGTERM', 15, 'SIGTERM'],
    ['term', 15, 'SIGTERM'],
    ['SigKill', 9, 'SIGKILL'],
    ['9', 9, 'SIGKILL'],
    ['HUP', 1, 'SIGHUP'],
    ['SIGIOT', 6, 'SIGABRT'],
    ['CLD', 17, 'SIGCHLD'],
    ['SIGRTMIN', 34, 'SIGRTMIN'],
    ['RTMIN+3', 37, 'SIGRTMIN+3'],
    ['SIGRTMAX-1', 63, 'SIGRTMAX-1'],
    ['rtmax', 64, 'SIGRTMAX'],
    ['64', 64, 'SIGRTMAX'],
    ['37', 37, 'SIGRTMIN+3'],
  ];
  for (const [raw, number, name] of cases) assert.deepEqual(parseSignal(raw), { number, name }, raw);
});

test('parseSignal refuses unknown names, 0, negatives and numbers past 64 with Docker\'s message', () => {
  for (const raw of ['SIGFOO', 'RTMIN+16', '0', '-9', '65', '', 'SIG', '9x', '1e3']) {
    assert.throws(() => parseSignal(raw), { message: `invalid signal: ${raw}`, code: 'WHARF_INVALID_CONTAINER_CONFIG' }, raw);
  }
});

test('signalName names every number from 1 to 64', () => {
  for (let n = 1; n <= 64; n++) assert.match(signalName(n), /^SIG[A-Z0-9+-]+$/, String(n));
  assert.equal(signalName(32), 'SIG32');
  assert.equal(signalName(29), 'SIGIO');
});

test('stopSignalOf prefers the container, then the image, then SIGTERM; a bad image value falls back', () => {
  assert.equal(stopSignalOf('SIGINT', 'SIGQUIT').name, 'SIGINT');
  assert.equal(stopSignalOf(undefined, 'SIGQUIT').name, 'SIGQUIT');
  assert.equal(stopSignalOf('', '').name, 'SIGTERM');
  assert.deepEqual(stopSignalOf(undefined, 'SIGNOPE'), DEFAULT_STOP_SIGNAL);
});
