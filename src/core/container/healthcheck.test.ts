import test from 'node:test';
import assert from 'node:assert/strict';
import { HEALTHCHECK_DEFAULTS, healthProbeOf, mergeHealthcheck } from './healthcheck.js';
import type { HealthcheckSpec } from './container-spec.js';

const spec = (over: Partial<HealthcheckSpec>): HealthcheckSpec => ({
  test: [], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0, ...over,
});

test('healthProbeOf fills Docker\'s defaults: 30s, 30s, 0, 5s, 3 retries', () => {
  assert.deepEqual(HEALTHCHECK_DEFAULTS, { interval: 30e9, timeout: 30e9, startPeriod: 0, startInterval: 5e9, retries: 3 });
  assert.deepEqual(healthProbeOf(spec({ test: ['CMD', 'curl', '-f', 'http://localhost/'] })), {
    argv: ['curl', '-f', 'http://localhost/'], interval: 30e9, timeout: 30e9, startPeriod: 0, startInterval: 5e9, retries: 3,
  });
  assert.deepEqual(healthProbeOf(spec({ test: ['CMD-SHELL', 'exit 0'], interval: 1e9, retries: 1 }))?.argv, ['/bin/sh', '-c', 'exit 0']);
  assert.deepEqual(healthProbeOf(spec({ test: ['CMD-SHELL', 'exit 0'] }), ['/bin/bash', '-lc'])?.argv, ['/bin/bash', '-lc', 'exit 0']);
  assert.equal(healthProbeOf(spec({ test: ['CMD-SHELL', 'x'], interval: 1e9 }))?.interval, 1e9);
});

test('healthProbeOf gives no probe for NONE, an empty test, or an unknown kind', () => {
  for (const test of [[], ['NONE'], ['CMD'], ['WHATEVER', 'x']]) assert.equal(healthProbeOf(spec({ test })), undefined);
  assert.equal(healthProbeOf(undefined), undefined);
});

test('mergeHealthcheck takes the image\'s value for each empty field (moby merge)', () => {
  const image = { Test: ['CMD', 'check'], Interval: 10e9, Timeout: 2e9, Retries: 5 };
  assert.deepEqual(mergeHealthcheck(undefined, image), spec({ test: ['CMD', 'check'], interval: 10e9, timeout: 2e9, retries: 5 }));
  assert.deepEqual(mergeHealthcheck(spec({ interval: 1e9 }), image), spec({ test: ['CMD', 'check'], interval: 1e9, timeout: 2e9, retries: 5 }));
  assert.deepEqual(mergeHealthcheck(spec({ test: ['NONE'] }), image)?.test, ['NONE']);
  assert.equal(mergeHealthcheck(undefined, undefined), undefined);
});
