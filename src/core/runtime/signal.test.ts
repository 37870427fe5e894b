import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSignal, signalName } from './signal.js';

test('parseSignal accepts every form Docker accepts', () => {
  for (const raw of ['SIGTERM', 'TERM', 'sigterm', 'term', 'SigTerm', '15', 15, ' 15 ']) {
    assert.equal(parseSignal(raw), 15, String(raw));
  }
  assert.equal(parseSignal('KILL'), 9);
  assert.equal(parseSignal('SIGKILL'), 9);
  assert.equal(parseSignal('IOT'), 6);
  assert.equal(parseSignal('CLD'), 17);
  assert.equal(parseSignal('RTMIN'), 34);
  assert.equal(parseSignal('SIGRTMIN+3'), 37);
  assert.equal(parseSignal('RTMAX-1'), 63);
  assert.equal(parseSignal('RTMAX'), 64);
  assert.equal(parseSignal('64'), 64);
  assert.equal(parseSignal('1'), 1);
});

test('parseSignal rejects what Docker rejects, with its wording', () => {
  for (const raw of ['0', 0, '-1', '-15', '32', '33', '65', '100', 'NOSUCH', 'SIG', '', 'SIGTERMX', 'RTMIN+16', 'RTMAX-15', '1.5', 'TERM 15']) {
    assert.throws(() => parseSignal(raw), { kind: 'InvalidArgument', code: 'WHARF_INVALID_SIGNAL', message: `Invalid signal: ${String(raw)}` }, String(raw));
  }
});

test('signalName gives the canonical name of a number', () => {
  assert.equal(signalName(15), 'SIGTERM');
  assert.equal(signalName(6), 'SIGABRT');
  assert.equal(signalName(17), 'SIGCHLD');
  assert.equal(signalName(29), 'SIGIO');
  assert.equal(signalName(35), 'SIGRTMIN+1');
  assert.equal(signalName(60), 'SIGRTMAX-4');
  assert.equal(signalName(0), undefined);
  assert.equal(signalName(32), undefined);
});
