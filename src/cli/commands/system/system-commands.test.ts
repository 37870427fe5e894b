import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCannedEngine } from '../../../client/canned-engine.test-support.js';
import { runWharf } from '../../cli-harness.test-support.js';

const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);

function utc(t: test.TestContext): void {
  const saved = process.env.TZ;
  process.env.TZ = 'UTC';
  t.after(() => (saved === undefined ? delete process.env.TZ : (process.env.TZ = saved)));
}

const VERSION = {
  Platform: { Name: 'wharf' },
  Components: [
    { Name: 'Engine', Version: '0.1.0', Details: { ApiVersion: '1.50', MinAPIVersion: '1.24', GitCommit: 'abc1234', GoVersion: 'v20.20.2', Os: 'linux', Arch: 'amd64', BuildTime: '2024-01-01T00:00:00.000000000+00:00', Experimental: 'false' } },
    { Name: 'runc', Version: '1.1.5', Details: { GitCommit: 'v1.1.5-0', Another: 'x' } },
  ],
  Version: '0.1.0', ApiVersion: '1.50', MinAPIVersion: '1.24', Os: 'linux', Arch: 'amd64',
};

test('version prints client and server sections aligned like docker', async (t) => {
  utc(t);
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/version', json: VERSION }]);
  const r = await runWharf(['version'], { host: eng.host });
  assert.equal(r.status, 0);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'Client:');
  assert.match(lines[1] ?? '', /^ Version: {11}\S+$/);
  assert.equal(lines[2], ' API version:       1.50');
  assert.equal(lines[3], ` Node version:      ${process.version}`);
  assert.equal(lines[7], ' Context:           default');
  assert.deepEqual(lines.slice(8), [
    '',
    'Server: wharf',
    ' Engine:',
    '  Version:          0.1.0',
    '  API version:      1.50 (minimum version 1.24)',
    '  Node version:     v20.20.2',
    '  Git commit:       abc1234',
    '  Built:            Mon Jan  1 00:00:00 2024',
    '  OS/Arch:          linux/amd64',
    '  Experimental:     false',
    ' runc:',
    '  Version:          1.1.5',
    '  Another:          x',
    '  GitCommit:        v1.1.5-0',
    '',
  ]);
});

test('version without the daemon prints the client section, then the error (exit 1)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-ver-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const host = `unix://${join(dir, 'none.sock')}`;
  const r = await runWharf(['version'], { host });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^Client:\n Version: .*\n Context:           default\n$/s);
  assert.equal(r.stderr, `Cannot connect to the wharf daemon at ${host}. Is the wharf daemon running?\n`);
});

test('version --format: templates over {Client, Server}, json, and exit 64 on a bad template', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/version', json: VERSION }]);
  const r = await runWharf(['version', '--format', '{{.Server.Version}} {{.Client.APIVersion}}'], { host: eng.host });
  assert.equal(r.stdout, '0.1.0 1.50\n');
  const j = await runWharf(['version', '-f', 'json'], { host: eng.host });
  const parsed = JSON.parse(j.stdout) as { Client: { ApiVersion: string }; Server: { Version: string } };
  assert.equal(parsed.Client.ApiVersion, '1.50');
  assert.equal(parsed.Server.Version, '0.1.0');
  const bad = await runWharf(['version', '-f', '{{.Server'], { host: eng.host });
  assert.equal(bad.status, 64);
  assert.equal(bad.stderr, 'template parsing error: template: version:1: unclosed action\n');
});

test('version against an older daemon shows the downgraded API version', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/version', json: { ...VERSION, Components: [] } }], { apiVersion: '1.44' });
  const r = await runWharf(['version'], { host: eng.host });
  assert.match(r.stdout, /\n API version:       1\.44 \(downgraded from 1\.50\)\n/);
});

const INFO = {
  ID: 'W1', Containers: 3, ContainersRunning: 1, ContainersPaused: 0, ContainersStopped: 2, Images: 5,
  Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'extfs']], Plugins: { Volume: ['local'], Network: ['bridge', 'host'], Log: ['json-file'] },
  LoggingDriver: 'json-file', CgroupDriver: 'cgroupfs', CgroupVersion: '2', Swarm: { LocalNodeState: 'inactive' },
  Runtimes: { runc: { path: 'runc' } }, DefaultRuntime: 'runc', OSType: 'linux', InitBinary: 'catatonit',
  ContainerdCommit: { ID: '' }, RuncCommit: { ID: 'v1.1.5' }, InitCommit: { ID: '' },
  SecurityOptions: ['name=seccomp,profile=builtin', 'name=cgroupns'], KernelVersion: '6.1.0', OperatingSystem: 'Debian GNU/Linux 12',
  Architecture: 'x86_64', NCPU: 2, MemTotal: 4 * 1024 ** 3, Name: 'host1', DockerRootDir: '/var/lib/wharf', Debug: false,
  ServerVersion: '0.1.0', ExperimentalBuild: false, LiveRestoreEnabled: true, Warnings: ['WARNING: no swap limit support'],
};

test('info prints docker\'s layout and the daemon warnings on stderr', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/info', json: INFO }]);
  const r = await runWharf(['info'], { host: eng.host });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^Client:\n Version:    \S+\n Context:    default\n Debug Mode: false\n\nServer:\n Containers: 3\n  Running: 1\n  Paused: 0\n  Stopped: 2\n Images: 5\n Server Version: 0\.1\.0\n Storage Driver: overlay2\n  Backing Filesystem: extfs\n Logging Driver: json-file\n/);
  assert.match(r.stdout, /\n Plugins:\n  Volume: local\n  Network: bridge host\n  Log: json-file\n Swarm: inactive\n Runtimes: runc\n Default Runtime: runc\n Init Binary: catatonit\n containerd version: \n runc version: v1\.1\.5\n/);
  assert.match(r.stdout, /\n Security Options:\n  seccomp\n   Profile: builtin\n  cgroupns\n Kernel Version: 6\.1\.0\n/);
  assert.match(r.stdout, /\n CPUs: 2\n Total Memory: 4GiB\n Name: host1\n ID: W1\n Docker Root Dir: \/var\/lib\/wharf\n Debug Mode: false\n Experimental: false\n Live Restore Enabled: true\n\n$/);
  assert.equal(r.stderr, 'WARNING: no swap limit support\n');
  const f = await runWharf(['info', '--format', '{{.ServerVersion}} {{.ClientInfo.Context}} {{len .Warnings}}'], { host: eng.host });
  assert.equal(f.stdout, '0.1.0 default 1\n');
  const bad = await runWharf(['system', 'info', '-f', '{{'], { host: eng.host });
  assert.equal(bad.status, 64);
});

test('info: an unreachable daemon fails after the client part; an error answer is reported as ERROR', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-info-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const host = `unix://${join(dir, 'none.sock')}`;
  const r = await runWharf(['info'], { host });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /\n\nServer:\n$/);
  assert.equal(r.stderr, `Cannot connect to the wharf daemon at ${host}. Is the wharf daemon running?\n`);
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/info', status: 500, json: { message: 'store is broken' } }]);
  const e = await runWharf(['info'], { host: eng.host });
  assert.equal(e.status, 1);
  assert.equal(e.stderr, 'ERROR: Error response from daemon: store is broken\nerrors pretty printing info\n');
});

const DF = {
  LayersSize: 4261550,
  Images: [
    { Id: `sha256:${'a'.repeat(64)}`, ParentId: '', RepoTags: ['busybox:latest'], RepoDigests: [], Created: NOW / 1000 - 3600, Size: 4261550, SharedSize: 0, Labels: {}, Containers: 1 },
    { Id: `sha256:${'c'.repeat(64)}`, ParentId: '', RepoTags: [], RepoDigests: [], Created: NOW / 1000 - 7200, Size: 1000, SharedSize: 0, Labels: {}, Containers: 0 },
  ],
  Containers: [{ Id: 'f'.repeat(64), Names: ['/web'], Image: 'busybox', Command: 'sh -c "sleep 1000000000"', Created: NOW / 1000 - 60, State: 'running', Status: 'Up 1 minute', SizeRw: 12, Mounts: [] }],
  Volumes: [{ Name: 'data', Driver: 'local', Mountpoint: '/v', Scope: 'local', Labels: null, Options: null, UsageData: { Size: 2000, RefCount: 0 } }],
  BuildCache: [],
};

test('system df prints the summary table', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/system/df', json: DF }]);
  const r = await runWharf(['system', 'df'], { host: eng.host, now: NOW });
  assert.equal(r.status, 0);
  assert.equal(
    r.stdout,
    [
      'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE',
      'Images          2         1         4.262MB   0B (0%)',
      'Containers      1         1         12B       0B (0%)',
      'Local Volumes   1         0         2kB       2kB (100%)',
      'Build Cache     0         0         0B        0B',
      '',
    ].join('\n'),
  );
  const j = await runWharf(['system', 'df', '--format', '{{json .}}'], { host: eng.host, now: NOW });
  assert.equal(j.stdout.split('\n')[0], '{"Active":"1","Reclaimable":"0B (0%)","Size":"4.262MB","TotalCount":"2","Type":"Images"}');
});

test('system df -v prints one table per object type', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/system/df', json: DF }]);
  const r = await runWharf(['system', 'df', '-v'], { host: eng.host, now: NOW });
  assert.equal(
    r.stdout,
    [
      'Images space usage:',
      '',
      'REPOSITORY   TAG       IMAGE ID       CREATED             SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS',
      'busybox      latest    aaaaaaaaaaaa   About an hour ago   4.26MB    0B            4.262MB       1',
      '<none>       <none>    cccccccccccc   2 hours ago         1kB       0B            1kB           0',
      '',
      'Containers space usage:',
      '',
      'CONTAINER ID   IMAGE     COMMAND                   LOCAL VOLUMES   SIZE      CREATED              STATUS        NAMES',
      'ffffffffffff   busybox   "sh -c \\"sleep 100000…"   0               12B       About a minute ago   Up 1 minute   web',
      '',
      'Local Volumes space usage:',
      '',
      'VOLUME NAME   LINKS     SIZE',
      'data          0         2kB',
      '',
      'Build cache usage: 0B',
      '',
      'CACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED',
      '',
    ].join('\n'),
  );
});

// Raw lines: timeNano is beyond a double's precision and must come out exactly.
const EVENTS = [
  '{"Type":"image","Action":"tag","Actor":{"ID":"sha256:1","Attributes":{"name":"busybox:latest","b":"2"}},"scope":"local","time":1704067200,"timeNano":1704067200123456789}',
  '{"Type":"image","Action":"delete","Actor":{"ID":"sha256:2","Attributes":{}},"scope":"local","time":1704067201}',
];

test('events prints docker\'s line format and passes since/until/filters', async (t) => {
  utc(t);
  const eng = await startCannedEngine(t, [
    {
      method: 'GET',
      path: '/events',
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(EVENTS.join('\n'));
      },
    },
  ]);
  const r = await runWharf(['events', '--since', '1h', '--until', '1704067300', '-f', 'type=image'], { host: eng.host, now: NOW });
  assert.equal(r.status, 0);
  assert.equal(
    r.stdout,
    '2024-01-01T00:00:00.123456789Z image tag sha256:1 (b=2, name=busybox:latest)\n2024-01-01T00:00:01.000000000Z image delete sha256:2\n',
  );
  const q = eng.requests[0]?.query;
  assert.equal(q?.get('since'), String(NOW / 1000 - 3600));
  assert.equal(q?.get('until'), '1704067300');
  assert.deepEqual(JSON.parse(q?.get('filters') ?? ''), { type: ['image'] });
  const f = await runWharf(['system', 'events', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Scope}} {{.TimeNano}}'], { host: eng.host });
  assert.equal(f.stdout, 'image tag busybox:latest local 1704067200123456789\nimage delete <no value> local <no value>\n');
  const j = await runWharf(['events', '--format', 'json'], { host: eng.host });
  assert.equal(j.stdout.split('\n')[0], EVENTS[0]);
  const bad = await runWharf(['events', '--format', '{{.Type'], { host: eng.host });
  assert.equal(bad.status, 64);
  assert.equal(bad.stderr, 'Error parsing format: template: :1: unclosed action\n');
  const badTime = await runWharf(['events', '--since', 'soon'], { host: eng.host });
  assert.equal(badTime.status, 1);
  assert.equal(badTime.stderr, 'failed to parse value as time or duration: "soon"\n');
});
