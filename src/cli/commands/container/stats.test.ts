import test from 'node:test';
import { Writable } from 'node:stream';
import { EngineClient } from '../../../client/engine-client.js';
import assert from 'node:assert/strict';
import type { ContainerStats } from '../../../client/containers-admin-api.js';
import { startCannedEngine } from '../../../client/canned-engine.test-support.js';
import { runWharf } from '../../cli-harness.test-support.js';
import {
  StatsContext,
  calculateBlockIo,
  calculateCpuPercentUnix,
  calculateMemUsageUnixNoCache,
  statsValues,
  type StatsEntry,
} from './stats-context.js';
import { redraw, runStats } from './stats.js';

const ID = '1'.repeat(64);

function sample(over: Partial<ContainerStats> = {}): ContainerStats {
  return {
    name: '/web',
    id: ID,
    cpu_stats: { cpu_usage: { total_usage: 400_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 4 },
    precpu_stats: { cpu_usage: { total_usage: 300_000_000 }, system_cpu_usage: 18_000_000_000, online_cpus: 4 },
    memory_stats: { usage: 6_000_000, limit: 64 * 1024 * 1024, stats: { inactive_file: 1_000_000 } },
    pids_stats: { current: 3 },
    networks: { eth0: { rx_bytes: 1500, tx_bytes: 648 }, eth1: { rx_bytes: 500, tx_bytes: 0 } },
    blkio_stats: { io_service_bytes_recursive: [{ major: 8, minor: 0, op: 'read', value: 4096 }, { major: 8, minor: 0, op: 'write', value: 0 }] },
    ...over,
  };
}

test('docker\'s stats arithmetic: CPU share times online CPUs, memory without inactive file cache, block I/O by op', () => {
  // 0.1 s of CPU over 2 s of host time on 4 CPUs is 20%.
  assert.equal(calculateCpuPercentUnix(sample()), 20);
  assert.equal(calculateCpuPercentUnix(sample({ cpu_stats: { cpu_usage: { total_usage: 400_000_000, percpu_usage: [1, 2] }, system_cpu_usage: 20_000_000_000 } })), 10);
  assert.equal(calculateCpuPercentUnix(sample({ precpu_stats: {} , cpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 } })), 0);
  assert.equal(calculateMemUsageUnixNoCache(sample({ memory_stats: { usage: 500, stats: { total_inactive_file: 400 } } })), 100);
  assert.equal(calculateMemUsageUnixNoCache(sample({ memory_stats: { usage: 500, stats: { total_inactive_file: 600 } } })), 500);
  assert.equal(calculateMemUsageUnixNoCache(sample({ memory_stats: { usage: 500, stats: { inactive_file: 100 } } })), 400);
  assert.equal(calculateMemUsageUnixNoCache(sample({ memory_stats: {} })), 0);
  const entries = [
    { op: 'read', value: 1234 }, { op: 'read', value: 4567 }, { op: 'Read', value: 6 }, { op: 'Read', value: 8 },
    { op: 'write', value: 123 }, { op: 'write', value: 456 }, { op: 'Write', value: 6 }, { op: 'Write', value: 8 }, { op: '', value: 456 },
  ];
  assert.deepEqual(calculateBlockIo({ blkio_stats: { io_service_bytes_recursive: entries } }), [5815, 593]);
  const v = statsValues(sample());
  assert.equal(v.memory, 5_000_000);
  assert.equal(v.networkRx, 2000);
  assert.equal(v.memoryPercentage, (5_000_000 / (64 * 1024 * 1024)) * 100);
  assert.equal(statsValues(sample({ memory_stats: { usage: 10 } })).memoryPercentage, 0);
});

test('stats rows print like docker\'s statsContext, `--` when invalid', () => {
  const good: StatsEntry = { container: 'web', invalid: false, values: statsValues(sample()) };
  const c = new StatsContext(good, true);
  assert.deepEqual(
    [c.Container, c.Name, c.ID, c.CPUPerc, c.MemUsage, c.MemPerc, c.NetIO, c.BlockIO, c.PIDs],
    ['web', 'web', '111111111111', '20.00%', '4.768MiB / 64MiB', '7.45%', '2kB / 648B', '4.1kB / 0B', '3'],
  );
  assert.equal(new StatsContext(good, false).ID, ID);
  const bad = new StatsContext({ container: 'x', invalid: true }, true);
  assert.deepEqual([bad.Name, bad.ID, bad.CPUPerc, bad.MemUsage, bad.MemPerc, bad.NetIO, bad.BlockIO, bad.PIDs], ['--', '', '--', '-- / --', '--', '--', '--', '--']);
  // compat: Go rounds exact halves to even (5.125 has an exact binary form).
  assert.equal(new StatsContext({ container: 'r', invalid: false, values: { ...statsValues(sample()), cpuPercentage: 0.125 } }, true).CPUPerc, '0.12%');
});

test('redraw homes the cursor and erases line ends, byte for byte as docker 28 does', () => {
  assert.equal(redraw('A\nB\n'), '\x1b[HA\nB\n\x1b[HA \x1b[K\nB \x1b[K\n \x1b[K\n\x1b[J');
});

test('stats --no-stream for named containers: one table, docker\'s header and columns', async (t) => {
  const eng = await startCannedEngine(t, [
    {
      method: 'GET',
      path: '/containers/web/stats',
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify(sample())}\n`);
      },
    },
  ]);
  const r = await runWharf(['stats', '--no-stream', 'web'], { host: eng.host });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    'CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O      BLOCK I/O    PIDS\n' +
      '111111111111   web       20.00%    4.768MiB / 64MiB    7.45%     2kB / 648B   4.1kB / 0B   3\n',
  );
  assert.equal(eng.requests[0]?.url, '/v1.50/containers/web/stats?stream=0');
  const json = await runWharf(['container', 'stats', '--no-stream', '--no-trunc', '--format', 'json', 'web'], { host: eng.host });
  assert.deepEqual(Object.keys(JSON.parse(json.stdout) as object), ['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs']);
  const tmpl = await runWharf(['stats', '--no-stream', '--format', 'table {{.Container}}\\t{{.CPUPerc}}', 'web'], { host: eng.host });
  assert.equal(tmpl.stdout, 'CONTAINER   CPU %\nweb         20.00%\n');
});

test('stats of a missing container fails with the daemon\'s error (exit 1)', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'GET', path: '/containers/nope/stats', status: 404, json: { message: 'No such container: nope' } },
  ]);
  const r = await runWharf(['stats', '--no-stream', 'nope'], { host: eng.host });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'Error response from daemon: No such container: nope\n');
});

test('stats without names lists the running containers, watching events first', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'GET', path: '/events', handle: (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders() },
    { method: 'GET', path: '/containers/json', json: [{ Id: ID, Names: ['/web'] }] },
    {
      method: 'GET',
      path: `/containers/${ID.slice(0, 12)}/stats`,
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify(sample())}\n`);
      },
    },
  ]);
  const r = await runWharf(['stats', '--no-stream'], { host: eng.host });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^CONTAINER ID {3}NAME {6}CPU %.*\n111111111111 {3}web {7}20\.00%/);
  assert.deepEqual(eng.requests.map((x) => x.path), ['/events', '/containers/json', `/containers/${ID.slice(0, 12)}/stats`]);
  assert.deepEqual(JSON.parse(eng.requests[0]?.query.get('filters') ?? ''), { type: ['container'] });
});

test('streaming stats redraws until interrupted; a sample gap of 2 s turns a row into dashes', { timeout: 15_000 }, async (t) => {
  const eng = await startCannedEngine(t, [
    {
      method: 'GET',
      path: '/containers/web/stats',
      handle: (_req, res) => {
        // One sample, then silence: docker marks the row invalid after 2 s without a sample.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`${JSON.stringify(sample())}\n`);
      },
    },
  ]);
  const frames: string[] = [];
  let done: () => void = () => undefined;
  const enough = new Promise<void>((r) => (done = r));
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      frames.push(chunk.toString());
      if (frames.some((f) => f.includes('-- / --'))) done();
      cb();
    },
  });
  const ac = new AbortController();
  const options = { containers: ['web'], all: false, stream: true, trunc: true, format: '' };
  const running = runStats(new EngineClient({ host: eng.host }), options, out, ac.signal);
  await enough;
  assert.ok(frames[0]?.startsWith('\x1b[HCONTAINER ID'));
  assert.ok(frames[0]?.includes('20.00%'));
  assert.ok(frames.at(-1)?.includes('web       --        -- / --'));
  assert.ok(frames.at(-1)?.endsWith('\x1b[J'));
  ac.abort();
  await running;
});
