import test from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidArgument } from '../../common/errors.js';
import { DataRootLayout } from '../../core/layout.js';
import type { CgroupStats, ContainerMetrics, HostProcFacts, ProcessInfo } from '../../core/metrics/container-metrics.js';
import { EventRecorder, MemoryStore } from './attach-testing.js';
import { StatsService, dockerMemory, type StatsSample } from './stats.js';
import { TopService } from './top.js';
import { testId, testRecord } from './testing/records.js';

const layout = new DataRootLayout('/tmp/wharf-stats-test');
const ID = testId(3);

class FakeMetrics implements ContainerMetrics {
  calls: string[] = [];
  total = 0n;
  async pids(p: string): Promise<number[]> {
    this.calls.push(`pids ${p}`);
    return [10];
  }
  async cgroupStats(p: string): Promise<CgroupStats | undefined> {
    this.calls.push(`stats ${p}`);
    this.total += 1_000_000n;
    return {
      version: 1,
      cpu: { totalNs: this.total, perCpuNs: [this.total], userNs: 0n, systemNs: 0n, periods: 0n, throttledPeriods: 0n, throttledNs: 0n },
      memory: { usage: 100n, maxUsage: 200n, limit: 9223372036854771712n, failcnt: 0n, stats: { cache: 5n, shmem: 9n } },
      pids: { current: 1n },
    };
  }
  async hostCpu() {
    return { totalNs: this.total * 10n, onlineCpus: 2 };
  }
  async processes(pids: readonly number[]): Promise<ProcessInfo[]> {
    return pids.map((pid) => ({ pid, ppid: 1, uid: 0, gid: 0, comm: 'sh', args: ['sh'], state: 'S', ttyNr: 0, sessionId: pid, tpgid: -1, pgrp: pid, nice: 0, threads: 1, utimeTicks: 0, stimeTicks: 0, startTicks: 0, vsizeBytes: 0, rssPages: 0 }));
  }
  async hostFacts(): Promise<HostProcFacts> {
    return { bootTime: 0, uptime: 10, ticksPerSecond: 100, pageSize: 4096, memTotalBytes: 1 << 30, userNames: new Map([[0, 'root']]) };
  }
}

function setup(status: 'running' | 'exited' = 'running') {
  const record = testRecord(layout, ID, 'web', { state: { status } });
  const store = new MemoryStore([record]);
  const metrics = new FakeMetrics();
  const events = new EventRecorder();
  const deps = { store, metrics, events, readBundle: async () => ({ cgroupsPath: '/custom/c' }) };
  return { store, metrics, events, stats: new StatsService(deps, { intervalMs: 5 }), top: new TopService(deps) };
}

async function collectSamples(s: StatsService, opts: { stream: boolean; oneShot: boolean }, max = 10): Promise<StatsSample[]> {
  const out: StatsSample[] = [];
  const ac = new AbortController();
  await s.stats(ID, { ...opts, signal: ac.signal }, async (x) => {
    out.push(x);
    if (out.length >= max) ac.abort();
  });
  return out;
}

test('stats without stream takes two readings and reports the second with the first as pre', async () => {
  const t = setup();
  const [one, ...rest] = await collectSamples(t.stats, { stream: false, oneShot: false });
  assert.equal(rest.length, 0);
  assert.equal(one?.name, '/web');
  assert.equal(one?.cpu.cpu?.totalNs, 2_000_000n);
  assert.equal(one?.preCpu.cpu?.totalNs, 1_000_000n);
  assert.ok(one?.read && one.preRead && one.read >= one.preRead);
  assert.ok(t.metrics.calls.includes('stats /custom/c'), 'the cgroup path comes from config.json');
  assert.equal(one?.memory?.limit, BigInt(1 << 30), 'no limit: the host\'s memory');
});

test('one-shot reports one reading without pre; stream reports one per interval', async () => {
  const t = setup();
  const [shot] = await collectSamples(t.stats, { stream: false, oneShot: true });
  assert.equal(shot?.preCpu.cpu, undefined);
  assert.equal(shot?.preRead, undefined);
  const streamed = await collectSamples(t.stats, { stream: true, oneShot: false }, 3);
  assert.equal(streamed.length, 3);
  assert.equal(streamed[1]?.preCpu.cpu?.totalNs, streamed[0]?.cpu.cpu?.totalNs);
  assert.throws(() => t.stats.check(ID, { stream: true, oneShot: true }), (e: Error) => isInvalidArgument(e) && e.message === 'cannot have stream=true and one-shot=true');
  assert.throws(() => t.stats.check('nope', { stream: false, oneShot: false }), /No such container: nope/);
});

test('a stopped container gives an empty sample', async () => {
  const t = setup('exited');
  const [s] = await collectSamples(t.stats, { stream: false, oneShot: false });
  assert.deepEqual(s, { id: ID, name: '/web', cpu: {}, preCpu: {} });
  assert.deepEqual(t.metrics.calls, []);
});

test('dockerMemory keeps moby\'s keys and caps the limit at the host\'s memory', () => {
  const stats: CgroupStats = { version: 1, memory: { usage: 1n, limit: 10n, stats: { cache: 3n, shmem: 4n } } };
  const m = dockerMemory(stats, 100n);
  assert.equal(m?.limit, 10n);
  assert.equal(m?.stats['cache'], 3n);
  assert.equal(m?.stats['total_rss'], 0n);
  assert.equal(m?.stats['shmem'], undefined);
  assert.equal(Object.keys(m?.stats ?? {}).length, 32);
  assert.equal(dockerMemory({ version: 2, memory: { usage: 1n, stats: {} } }, 100n)?.limit, 100n);
  assert.equal(dockerMemory({ version: 1 }, 100n), undefined);
});

test('top lists the cgroup\'s processes and publishes the top event; only for running containers', async () => {
  const t = setup();
  const r = await t.top.top('web', '');
  assert.deepEqual(r.titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.equal(r.processes[0]?.[1], '10');
  assert.deepEqual(t.events.actions(), ['top']);
  assert.ok(t.metrics.calls.includes('pids /custom/c'));
  const stopped = setup('exited');
  await assert.rejects(stopped.top.top('web', ''), (e: Error) => e.message === `container ${ID} is not running`);
  await assert.rejects(t.top.top('web', '-Z'), /not supported/);
});
