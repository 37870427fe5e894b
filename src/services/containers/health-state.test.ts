import test from 'node:test';
import assert from 'node:assert/strict';
import type { HealthLogEntry, HealthState } from './container-record.js';
import { MAX_HEALTH_LOG, applyProbeResult, goDuration, limitOutput, probeDelayMs, startingHealth, stoppedHealth } from './health-state.js';

const S = 1e9;
const probe = { retries: 3, startPeriod: 0, interval: 30 * S, startInterval: 5 * S };
const started = Date.UTC(2026, 0, 1);
const entry = (exitCode: number, atMs = started + 60_000): HealthLogEntry => ({ start: new Date(atMs).toISOString(), end: new Date(atMs + 10).toISOString(), exitCode, output: '' });

test('a passing probe makes the container healthy and resets the streak', () => {
  const h = applyProbeResult({ status: 'unhealthy', failingStreak: 7, log: [] }, entry(0), probe, started);
  assert.equal(h.status, 'healthy');
  assert.equal(h.failingStreak, 0);
  assert.equal(h.log.length, 1);
});

test('failures count up to retries, then unhealthy; healthy stays healthy until then', () => {
  let h: HealthState = { status: 'healthy', failingStreak: 0, log: [] };
  for (const expected of ['healthy', 'healthy', 'unhealthy', 'unhealthy'] as const) {
    h = applyProbeResult(h, entry(1), probe, started);
    assert.equal(h.status, expected);
  }
  assert.equal(h.failingStreak, 4);
  const timeout = applyProbeResult(startingHealth(), entry(-1), { ...probe, retries: 1 }, started);
  assert.equal(timeout.status, 'unhealthy', 'a timeout (-1) is a failure');
});

test('failures inside the start period do not count while starting', () => {
  const p = { ...probe, startPeriod: 120 * S };
  let h = applyProbeResult(startingHealth(), entry(1, started + 60_000), p, started);
  assert.deepEqual([h.status, h.failingStreak], ['starting', 0]);
  h = applyProbeResult(h, entry(1, started + 130_000), p, started);
  assert.deepEqual([h.status, h.failingStreak], ['starting', 1]);
  const healthy = applyProbeResult(startingHealth(), entry(0, started + 1000), p, started);
  const failedOnce = applyProbeResult(healthy, entry(1, started + 2000), { ...p, retries: 1 }, started);
  assert.equal(failedOnce.status, 'unhealthy', 'the start period only shields a container that never passed');
});

test('the log keeps the last five results', () => {
  let h = startingHealth();
  for (let i = 0; i < 8; i++) h = applyProbeResult(h, { ...entry(0), output: String(i) }, probe, started);
  assert.equal(h.log.length, MAX_HEALTH_LOG);
  assert.deepEqual(h.log.map((e) => e.output), ['3', '4', '5', '6', '7']);
  assert.deepEqual(startingHealth(h), { status: 'starting', failingStreak: 0, log: h.log });
  assert.equal(stoppedHealth(h).status, 'unhealthy');
});

test('probeDelayMs uses the start interval only while starting inside the start period', () => {
  const p = { interval: 30 * S, startInterval: 2 * S, startPeriod: 60 * S };
  assert.equal(probeDelayMs(p, 'starting', 0), 2000);
  assert.equal(probeDelayMs(p, 'healthy', 0), 30000);
  assert.equal(probeDelayMs(p, 'starting', 61_000), 30000);
  assert.equal(probeDelayMs({ ...p, startPeriod: 0 }, 'starting', 0), 30000);
});

test('goDuration prints Go durations; limitOutput cuts at 4096 bytes', () => {
  assert.equal(goDuration(30 * S), '30s');
  assert.equal(goDuration(90 * S), '1m30s');
  assert.equal(goDuration(60 * S), '1m0s');
  assert.equal(goDuration(3600 * S), '1h0m0s');
  assert.equal(goDuration(1.5 * S), '1.5s');
  assert.equal(goDuration(500_000_000), '500ms');
  assert.equal(goDuration(0), '0s');
  assert.equal(limitOutput(Buffer.from('ok\n'), false), 'ok\n');
  const long = limitOutput(Buffer.alloc(5000, 97), true);
  assert.equal(long.length, 4096 + 3);
  assert.ok(long.endsWith('a...'));
});
