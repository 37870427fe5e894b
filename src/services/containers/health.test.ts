import test from 'node:test';
import assert from 'node:assert/strict';
import { DataRootLayout } from '../../core/layout.js';
import { EventRecorder, MemoryStore, QUIET_LOG } from './attach-testing.js';
import type { ContainerRecord } from './container-record.js';
import type { ProbeResult } from './health-probe.js';
import { HealthChecker, type HealthClock } from './health.js';
import { testId, testRecord } from './testing/records.js';

/** FakeClock runs timers when the test advances time. */
class FakeClock implements HealthClock {
  nowMs = Date.UTC(2026, 0, 1);
  #timers: { at: number; fn: () => void; id: number }[] = [];
  #next = 0;

  now(): number {
    return this.nowMs;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#next;
    this.#timers.push({ at: this.nowMs + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }
  get pending(): number {
    return this.#timers.length;
  }
  /** advance moves time forward, running due timers (and letting their async work settle). */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at);
      const t = this.#timers[0];
      if (t === undefined || t.at > end) break;
      this.#timers.shift();
      this.nowMs = t.at;
      t.fn();
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    }
    this.nowMs = end;
  }
}

const layout = new DataRootLayout('/tmp/wharf-health-test');
const ID = testId(7);
const S = 1e9;

function setup(healthcheck: Record<string, unknown> | undefined, results: number[]) {
  const clock = new FakeClock();
  const base = testRecord(layout, ID, 'hc', { body: healthcheck ? { Healthcheck: healthcheck } : {}, state: { status: 'running', startedAt: new Date(clock.nowMs).toISOString() } });
  const store = new MemoryStore([base]);
  const events = new EventRecorder();
  const probes: { argv: readonly string[]; timeoutNs: number }[] = [];
  const runProbe = async (_r: ContainerRecord, argv: readonly string[], timeoutNs: number): Promise<ProbeResult> => {
    probes.push({ argv, timeoutNs });
    const code = results.shift() ?? 0;
    if (code === 99) throw new Error('exec refused');
    return { exitCode: code, output: `run ${probes.length}` };
  };
  const checker = new HealthChecker({ store, events, log: QUIET_LOG, runProbe, clock });
  return { clock, store, events, probes, checker, record: () => store.get(ID) };
}

test('a container with a health check becomes healthy on schedule and publishes health_status', async () => {
  const t = setup({ Test: ['CMD-SHELL', 'test -e /ok'], Interval: 10 * S, Timeout: 3 * S, Retries: 2 }, [1, 0]);
  await t.checker.start(t.record());
  assert.deepEqual(t.record().state.health, { status: 'starting', failingStreak: 0, log: [] });
  await t.clock.advance(9_999);
  assert.equal(t.probes.length, 0, 'the first probe comes after one interval');
  await t.clock.advance(1);
  assert.deepEqual(t.probes[0], { argv: ['/bin/sh', '-c', 'test -e /ok'], timeoutNs: 3 * S });
  assert.equal(t.record().state.health?.failingStreak, 1);
  assert.equal(t.record().state.health?.status, 'starting');
  await t.clock.advance(10_000);
  assert.equal(t.record().state.health?.status, 'healthy');
  assert.deepEqual(t.events.actions(), ['health_status: healthy']);
  assert.deepEqual(t.record().state.health?.log.map((e) => [e.exitCode, e.output]), [[1, 'run 1'], [0, 'run 2']]);
});

test('retries failures make it unhealthy; a probe that cannot run counts as -1', async () => {
  const t = setup({ Test: ['CMD', 'false'], Interval: 1 * S, Retries: 2 }, [0, 1, 99]);
  await t.checker.start(t.record());
  await t.clock.advance(3000);
  assert.equal(t.record().state.health?.status, 'unhealthy');
  assert.deepEqual(t.events.actions(), ['health_status: healthy', 'health_status: unhealthy']);
  const last = t.record().state.health?.log.at(-1);
  assert.deepEqual([last?.exitCode, last?.output], [-1, 'exec refused']);
});

test('the start interval applies during the start period', async () => {
  const t = setup({ Test: ['CMD', 'true'], Interval: 60 * S, StartPeriod: 30 * S, StartInterval: 2 * S }, [1, 1, 0]);
  await t.checker.start(t.record());
  await t.clock.advance(6000);
  assert.equal(t.probes.length, 3);
  assert.equal(t.record().state.health?.status, 'healthy');
  assert.equal(t.record().state.health?.failingStreak, 0);
  await t.clock.advance(59_000);
  assert.equal(t.probes.length, 3, 'healthy: back to the 60 s interval');
  await t.clock.advance(1000);
  assert.equal(t.probes.length, 4);
});

test('checks stop when the container exits: no timer left, health unhealthy', async () => {
  const t = setup({ Test: ['CMD', 'true'], Interval: 1 * S }, []);
  await t.checker.start(t.record());
  await t.clock.advance(1000);
  assert.equal(t.checker.active(ID), true);
  await t.checker.stop(ID, true);
  assert.equal(t.checker.active(ID), false);
  assert.equal(t.clock.pending, 0);
  assert.equal(t.record().state.health?.status, 'unhealthy');
  await t.clock.advance(10_000);
  assert.equal(t.probes.length, 1);
});

test('a container found not running at probe time ends its checks', async () => {
  const t = setup({ Test: ['CMD', 'true'], Interval: 1 * S }, []);
  await t.checker.start(t.record());
  t.store.setStatus(ID, 'exited');
  await t.clock.advance(1000);
  assert.equal(t.probes.length, 0);
  assert.equal(t.checker.active(ID), false);
});

test('no check without a test, with NONE, or for an unknown kind', async () => {
  for (const hc of [undefined, { Test: ['NONE'] }, { Test: ['BOGUS', 'x'] }]) {
    const t = setup(hc, []);
    await t.checker.start(t.record());
    assert.equal(t.checker.active(ID), false);
    assert.equal(t.record().state.health, undefined);
    assert.equal(t.clock.pending, 0);
  }
});

test('the lifecycle listener starts on started and stops on exited (re-adopted containers included)', async () => {
  const t = setup({ Test: ['CMD', 'true'], Interval: 1 * S }, []);
  t.checker.listener.started?.(t.record());
  await new Promise((r) => setImmediate(r));
  assert.equal(t.checker.active(ID), true);
  t.checker.listener.exited?.(t.record(), { exitCode: 0, exitedAt: new Date(), oomKilled: false });
  await new Promise((r) => setImmediate(r));
  assert.equal(t.checker.active(ID), false);
});
