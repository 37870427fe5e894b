import test from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerSummary } from '../../../client/containers-admin-api.js';
import { startCannedEngine } from '../../../client/canned-engine.test-support.js';
import { runWharf } from '../../cli-harness.test-support.js';
import { ContainerContext, displayImage, displayablePorts } from './ps-context.js';
import { containerFormat } from './ps.js';

const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);
const WEB = 'a'.repeat(64);
const OLD = 'b'.repeat(64);
const IMG = `sha256:${'c'.repeat(64)}`;

const CONTAINERS: ContainerSummary[] = [
  {
    Id: WEB, Names: ['/web'], Image: 'busybox', ImageID: IMG, Command: 'httpd -f -p 80 -h /www/with/a/long/path', Created: NOW / 1000 - 3 * 60,
    Ports: [], Labels: { app: 'site', tier: 'front' }, State: 'running', Status: 'Up 3 minutes', SizeRw: 12, SizeRootFs: 4261550,
    NetworkSettings: { Networks: { none: {} } }, Mounts: [],
  },
  {
    Id: OLD, Names: ['/old', '/web/alias'], Image: IMG, ImageID: IMG, Command: 'true', Created: NOW / 1000 - 2 * 86400,
    Ports: [], Labels: {}, State: 'exited', Status: 'Exited (0) 2 days ago', NetworkSettings: { Networks: {} },
    Mounts: [{ Type: 'bind', Source: '/srv/some/long/data/path', Destination: '/data', Driver: '' }],
  },
];

test('ps prints docker\'s table: truncated IDs, quoted and shortened commands, ages, names', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/containers/json', json: CONTAINERS }]);
  const r = await runWharf(['ps', '-a'], { host: eng.host, now: NOW });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'CONTAINER ID   IMAGE          COMMAND                  CREATED         STATUS                  PORTS     NAMES',
      'aaaaaaaaaaaa   busybox        "httpd -f -p 80 -h /…"   3 minutes ago   Up 3 minutes                      web',
      'bbbbbbbbbbbb   cccccccccccc   "true"                   2 days ago      Exited (0) 2 days ago             old',
      '',
    ].join('\n'),
  );
  assert.equal(eng.requests[0]?.url, '/v1.50/containers/json?all=1');
});

test('an empty list prints the header; -q prints IDs; --no-trunc keeps everything', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'GET', path: '/containers/json', handle: (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.query.get('all') === '1' ? CONTAINERS : []));
    } },
  ]);
  const empty = await runWharf(['container', 'ls'], { host: eng.host });
  assert.equal(empty.stdout, 'CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n');
  const q = await runWharf(['ps', '-aq'], { host: eng.host });
  assert.equal(q.stdout, 'aaaaaaaaaaaa\nbbbbbbbbbbbb\n');
  const full = await runWharf(['container', 'list', '-a', '--no-trunc', '--format', '{{.ID}} {{.Image}} {{.Command}} {{.Names}} {{.Mounts}}'], { host: eng.host });
  assert.equal(full.stdout, `${WEB} busybox "httpd -f -p 80 -h /www/with/a/long/path" web \n${OLD} ${IMG} "true" old,web/alias /srv/some/long/data/path\n`);
  const short = await runWharf(['container', 'ps', '-a', '--format', '{{.Mounts}}|{{.Networks}}|{{.Labels}}|{{.Label "tier"}}|{{.State}}'], { host: eng.host });
  assert.equal(short.stdout, '|none|app=site,tier=front|front|running\n/srv/some/long…||||exited\n');
});

test('-n, -l, -s and repeated filters become docker\'s query', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/containers/json', json: [CONTAINERS[0]] }]);
  await runWharf(['ps', '-n', '2'], { host: eng.host });
  await runWharf(['ps', '-l'], { host: eng.host });
  await runWharf(['ps', '-l', '-n', '5'], { host: eng.host });
  const s = await runWharf(['ps', '-s', '-f', 'status=running', '--filter', 'label=app=site', '-f', 'name=web', '-f', 'status=paused'], { host: eng.host, now: NOW });
  const urls = eng.requests.map((r) => r.url);
  assert.equal(urls[0], '/v1.50/containers/json?limit=2');
  assert.equal(urls[1], '/v1.50/containers/json?limit=1');
  assert.equal(urls[2], '/v1.50/containers/json?limit=5');
  assert.equal(eng.requests[3]?.query.get('size'), '1');
  assert.deepEqual(JSON.parse(eng.requests[3]?.query.get('filters') ?? ''), { status: ['running', 'paused'], label: ['app=site'], name: ['web'] });
  assert.match(s.stdout.split('\n')[0] ?? '', /NAMES     SIZE$/);
  assert.match(s.stdout.split('\n')[1] ?? '', /web       12B \(virtual 4\.26MB\)$/);
});

test('a --format that reads .Size asks for sizes, unless --size=false or -q', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/containers/json', json: [CONTAINERS[0]] }]);
  const r = await runWharf(['ps', '--format', 'table {{.Names}}\\t{{.Size}}'], { host: eng.host });
  assert.equal(r.stdout, 'NAMES     SIZE\nweb       12B (virtual 4.26MB)\n');
  await runWharf(['ps', '--size=false', '--format', '{{.Size}}'], { host: eng.host });
  const q = await runWharf(['ps', '-q', '--format', '{{.Size}}'], { host: eng.host });
  await runWharf(['ps', '--format', '{{if .Names}}{{.Size}}{{end}}'], { host: eng.host });
  assert.deepEqual(eng.requests.map((x) => x.query.get('size')), ['1', null, null, null]);
  assert.equal(q.stdout, 'aaaaaaaaaaaa\n');
  assert.equal(q.stderr, 'WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
});

test('--format json has docker\'s keys; raw and custom tables work', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/containers/json', json: [CONTAINERS[0]] }]);
  const json = await runWharf(['ps', '--format', 'json'], { host: eng.host, now: NOW });
  const row = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(row), [
    'Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Platform', 'Ports',
    'RunningFor', 'Size', 'State', 'Status',
  ]);
  assert.equal(row.Command, '"httpd -f -p 80 -h /…"');
  assert.equal(row.Platform, null);
  assert.equal(row.RunningFor, '3 minutes ago');
  const raw = await runWharf(['ps', '--format', 'raw'], { host: eng.host, now: NOW });
  assert.match(raw.stdout, /^container_id: aaaaaaaaaaaa\nimage: busybox\ncommand: "httpd -f -p 80 -h \/…"\ncreated_at: .*\nstate: running\nstatus: Up 3 minutes\nnames: web\nlabels: app=site,tier=front\nports:\n/);
});

test('bad --format templates fail like docker\'s ps (exit 1)', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/containers/json', json: [] }]);
  const parse = await runWharf(['ps', '--format', '{{.ID'], { host: eng.host });
  assert.equal(parse.status, 1);
  assert.equal(parse.stderr, 'failed to parse template: template: :1: unclosed action\n');
  const exec = await runWharf(['ps', '--format', '{{.Nope}}'], { host: eng.host });
  assert.equal(exec.status, 1);
  assert.match(exec.stderr, /^failed to execute template: template: :1:2: executing "" at <\.Nope>: can't evaluate field Nope in type \*formatter\.ContainerContext\n$/);
  assert.equal(eng.requests.length, 0);
  const args = await runWharf(['ps', 'extra'], { host: eng.host });
  assert.equal(args.status, 1);
  assert.match(args.stderr, /'wharf ps' accepts no arguments/);
  const n = await runWharf(['ps', '-n', 'x'], { host: eng.host });
  assert.equal(n.status, 125);
});

test('displayablePorts groups ranges and lists host mappings last, as docker does', () => {
  assert.equal(displayablePorts([]), '');
  assert.equal(
    displayablePorts([
      { PrivatePort: 9988, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 8081, PublicPort: 8081, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 8080, PublicPort: 8080, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 9090, Type: 'tcp' },
      { PrivatePort: 53, Type: 'udp' },
      { IP: '::', PrivatePort: 443, PublicPort: 8443, Type: 'tcp' },
      { PrivatePort: 9990, Type: 'tcp' },
    ]),
    // compat: a group that a gap closes early is printed before the groups still open (docker's order).
    '9988/tcp, 53/udp, 0.0.0.0:8080-8081->8080-8081/tcp, 9990/tcp, 0.0.0.0:9090->80/tcp, [::]:8443->443/tcp',
  );
});

test('displayImage drops digests and default registries when truncating', () => {
  assert.equal(displayImage('', '', true), '<no image>');
  assert.equal(displayImage(IMG, IMG, true), 'cccccccccccc');
  assert.equal(displayImage(`docker.io/library/busybox:1.36@sha256:${'d'.repeat(64)}`, IMG, true), 'busybox:1.36');
  assert.equal(displayImage(`busybox@sha256:${'d'.repeat(64)}`, IMG, true), 'busybox');
  assert.equal(displayImage('localhost:5000/a/b:v', IMG, true), 'localhost:5000/a/b:v');
  assert.equal(displayImage('Not A Ref', IMG, true), 'Not A Ref');
  assert.equal(displayImage(`busybox@sha256:${'d'.repeat(64)}`, IMG, false), `busybox@sha256:${'d'.repeat(64)}`);
});

test('containerFormat is docker\'s NewContainerFormat', () => {
  assert.equal(containerFormat('', true, true), '{{.ID}}');
  assert.match(containerFormat('table', false, true), /\t\{\{\.Names\}\}\t\{\{\.Size\}\}$/);
  assert.equal(containerFormat('raw', true, false), 'container_id: {{.ID}}');
  assert.equal(containerFormat('{{.Names}}', true, false), '{{.ID}}');
  assert.equal(containerFormat('{{.Names}}', false, false), '{{.Names}}');
  const ctx = new ContainerContext({ Names: ['/a/b', '/c'] }, true, NOW);
  assert.equal(ctx.Names, 'c');
});
