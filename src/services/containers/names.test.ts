import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomName, validateName } from './names.js';

test('randomName never gives boring_wozniak and adds a digit on retries', () => {
  const seq = [11, 0, 12, 0];
  let i = 0;
  // With these lists, LEFT[11] is "boring" and RIGHT's last-but-... index is chosen by the second value.
  const name = randomName(0, (n) => (i < seq.length ? (seq[i++] as number) % n : 0));
  assert.notEqual(name, 'boring_wozniak');
  assert.match(randomName(1), /^[a-z]+_[a-z]+\d$/);
  assert.match(randomName(0), /^[a-z]+_[a-z]+$/);
});

test('validateName accepts Docker\'s alphabet, strips the slash and refuses the rest', () => {
  assert.equal(validateName('web'), 'web');
  assert.equal(validateName('/web.1_a-b'), 'web.1_a-b');
  for (const bad of ['', 'a', '/', '_web', '-web', 'we b', 'web/x', 'wéb', '//web']) {
    assert.throws(() => validateName(bad), { kind: 'InvalidArgument', message: `Invalid container name (${bad}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed` }, bad);
  }
});
