import test from 'node:test';
import assert from 'node:assert/strict';
import { toJson } from './respond.js';
import { toEvent } from './translate/events.js';

test('toJson writes bigints as exact integers and leaves look-alike strings alone', () => {
  assert.equal(toJson({ t: 1732291200123456789n, s: 'a<b>&' }), '{"t":1732291200123456789,"s":"a<b>&"}');
  assert.equal(toJson({ s: '\u0000x:1' }), '{"s":"\\u0000x:1"}');
  assert.equal(toJson([1, 'x']), '[1,"x"]');
});

test('toEvent gives container events the legacy from field and other types none', () => {
  const c = toEvent({ type: 'container', action: 'start', actor: { id: 'c1', attributes: { image: 'busybox' } }, timeNano: 2_500_000_000n });
  assert.deepEqual({ ...c, timeNano: String(c.timeNano) }, {
    status: 'start', id: 'c1', from: 'busybox', Type: 'container', Action: 'start',
    Actor: { ID: 'c1', Attributes: { image: 'busybox' } }, scope: 'local', time: 2, timeNano: '2500000000',
  });
  const v = toEvent({ type: 'volume', action: 'create', actor: { id: 'v', attributes: {} }, timeNano: 1n });
  assert.equal('status' in v, false);
});
