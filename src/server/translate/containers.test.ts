import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataRootLayout } from '../../core/layout.js';
import { initialState } from '../../services/containers/container-record.js';
import { testId, testRecord } from '../../services/containers/testing/records.js';
import { commandText, humanDuration, muxFrame, statusText, toContainerInspect, toContainerSummary, toWaitResponse } from './containers.js';

const layout = new DataRootLayout('/var/lib/wharf-test');
const NOW = new Date('2026-01-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();

test('humanDuration follows go-units', () => {
  const cases: Array<[number, string]> = [
    [500, 'Less than a second'], [1000, '1 second'], [59_000, '59 seconds'], [60_000, 'About a minute'],
    [119_000, 'About a minute'], [120_000, '2 minutes'], [59 * 60_000, '59 minutes'], [60 * 60_000, 'About an hour'],
    [90 * 60_000, '2 hours'], [47 * 3_600_000, '47 hours'], [48 * 3_600_000, '2 days'], [14 * 86_400_000, '2 weeks'],
    [60 * 86_400_000, '2 months'], [800 * 86_400_000, '2 years'],
  ];
  for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, String(ms));
});

test('statusText is Docker\'s STATUS column', () => {
  const s = (over: Partial<ReturnType<typeof initialState>>) => statusText({ ...initialState(), ...over }, NOW);
  assert.equal(s({}), 'Created');
  assert.equal(s({ status: 'running', startedAt: ago(2000) }), 'Up 2 seconds');
  assert.equal(s({ status: 'paused', startedAt: ago(120_000) }), 'Up 2 minutes (Paused)');
  assert.equal(s({ status: 'exited', exitCode: 3, startedAt: ago(9000), finishedAt: ago(3000) }), 'Exited (3) 3 seconds ago');
  assert.equal(s({ status: 'restarting', exitCode: 1, startedAt: ago(9000), finishedAt: ago(1000) }), 'Restarting (1) 1 second ago');
  assert.equal(s({ status: 'running', startedAt: ago(5000), health: { status: 'starting', failingStreak: 0, log: [] } }), 'Up 5 seconds (health: starting)');
  assert.equal(s({ status: 'running', startedAt: ago(5000), health: { status: 'healthy', failingStreak: 0, log: [] } }), 'Up 5 seconds (healthy)');
  assert.equal(s({ status: 'removing' }), 'Removal In Progress');
  assert.equal(s({ status: 'dead' }), 'Dead');
  // A container whose start failed never ran: still "Created".
  assert.equal(s({ status: 'created', exitCode: 127 }), 'Created');
});

test('summary and inspect have Docker\'s shapes', () => {
  const r = testRecord(layout, testId(1), 'web', {
    body: { Cmd: ['sh', '-c', 'echo a b'], Labels: { x: 'y' }, HostConfig: { NetworkMode: '', LogConfig: { Type: '', Config: {} }, Memory: 0, Binds: ['/src:/dst:ro'] } },
    state: { status: 'running', pid: 42, startedAt: ago(3000) },
    created: ago(60_000),
  });
  assert.equal(commandText(r), "sh -c 'echo a b'");
  const summary = toContainerSummary({ record: r, sizes: { sizeRw: 10, sizeRootFs: 20 } }, NOW);
  assert.deepEqual(summary, {
    Id: r.id, Names: ['/web'], Image: 'busybox', ImageID: r.imageId, Command: "sh -c 'echo a b'",
    Created: Math.floor((NOW.getTime() - 60_000) / 1000), Ports: [], SizeRw: 10, SizeRootFs: 20, Labels: { x: 'y' },
    State: 'running', Status: 'Up 3 seconds', HostConfig: { NetworkMode: 'bridge' },
    NetworkSettings: { Networks: { bridge: summary.NetworkSettings?.Networks?.['bridge'] ?? {} } },
    Mounts: [{ Type: 'bind', Source: '/src', Destination: '/dst', Mode: 'ro', RW: false, Propagation: 'rprivate' }],
  });
  const inspect = toContainerInspect({ record: r, lowerDirs: ['/l2', '/l1'], execIds: [] }) as Record<string, Record<string, unknown>>;
  assert.deepEqual(inspect['State'], {
    Status: 'running', Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 42, ExitCode: 0,
    Error: '', StartedAt: ago(3000), FinishedAt: '0001-01-01T00:00:00Z',
  });
  assert.equal(inspect['Name'] as unknown, '/web');
  assert.equal(inspect['Path'] as unknown, 'sh');
  assert.deepEqual(inspect['Args'] as unknown, ['-c', 'echo a b']);
  assert.equal(inspect['ExecIDs'] as unknown, null);
  assert.deepEqual(inspect['GraphDriver']?.['Data'], { LowerDir: '/l2:/l1', MergedDir: r.paths.rootfs, UpperDir: r.paths.upper, WorkDir: r.paths.work });
  const hc = inspect['HostConfig'] as Record<string, unknown>;
  // The client's empty values are filled with Docker's defaults; what it gave is echoed.
  assert.deepEqual([hc['NetworkMode'], hc['LogConfig'], hc['Binds'], hc['ShmSize'], hc['Runtime']], ['bridge', { Type: 'json-file', Config: {} }, ['/src:/dst:ro'], 67108864, 'runc']);
  assert.deepEqual(hc['RestartPolicy'], { Name: 'no', MaximumRetryCount: 0 });
  const config = inspect['Config'] as Record<string, unknown>;
  assert.deepEqual([config['Cmd'], config['Entrypoint'], config['Image'], config['Labels'], config['Hostname']], [['sh', '-c', 'echo a b'], null, 'busybox', { x: 'y' }, r.hostname]);
  assert.deepEqual(Object.keys(inspect['NetworkSettings']?.['Networks'] as object), ['bridge']);
});

test('wait responses and stdcopy frames', () => {
  assert.deepEqual(toWaitResponse({ exitCode: 3 }), { StatusCode: 3 });
  assert.deepEqual(toWaitResponse({ exitCode: 1, error: 'x' }), { StatusCode: 1, Error: { Message: 'x' } });
  assert.deepEqual(muxFrame('stderr', Buffer.from('hi')), Buffer.from([2, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]));
  const big = muxFrame('stdout', Buffer.alloc(70_000));
  assert.equal(big.readUInt32BE(4), 70_000);
});
