import test from 'node:test';
import assert from 'node:assert/strict';
import type { ImageSummary } from '../../../client/engine-client.js';
import { startCannedEngine } from '../../../client/canned-engine.test-support.js';
import { runWharf } from '../../cli-harness.test-support.js';

const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);
const A = `sha256:${'a'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const DIGEST = `sha256:${'b'.repeat(64)}`;

const IMAGES: ImageSummary[] = [
  {
    Id: A, ParentId: '', RepoTags: ['busybox:latest', 'busybox:1.36'], RepoDigests: [`busybox@${DIGEST}`],
    Created: NOW / 1000 - 2 * 3600, Size: 4261550, SharedSize: -1, Labels: {}, Containers: -1,
  },
  { Id: C, ParentId: '', RepoTags: [], RepoDigests: [], Created: NOW / 1000 - 20 * 86400, Size: 999500, SharedSize: -1, Labels: {}, Containers: 2 },
];

test('images prints docker\'s table: a row per tag, dangling as <none>, sizes and ages like docker', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/json', json: IMAGES }]);
  const r = await runWharf(['images'], { host: eng.host, now: NOW });
  assert.equal(r.status, 0);
  assert.equal(
    r.stdout,
    [
      'REPOSITORY   TAG       IMAGE ID       CREATED       SIZE',
      'busybox      latest    aaaaaaaaaaaa   2 hours ago   4.26MB',
      'busybox      1.36      aaaaaaaaaaaa   2 hours ago   4.26MB',
      '<none>       <none>    cccccccccccc   2 weeks ago   1e+03kB',
      '',
    ].join('\n'),
  );
  assert.equal(eng.requests[0]?.url, '/v1.50/images/json');
});

test('an empty list prints just the header', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/json', json: [] }]);
  const r = await runWharf(['image', 'ls'], { host: eng.host, now: NOW });
  assert.equal(r.stdout, 'REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
});

test('-q, --digests, --no-trunc, -a, filters and the REPOSITORY argument', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/json', json: IMAGES }]);
  const q = await runWharf(['images', '-q'], { host: eng.host, now: NOW });
  assert.equal(q.stdout, 'aaaaaaaaaaaa\naaaaaaaaaaaa\ncccccccccccc\n');
  const d = await runWharf(['images', '--digests', '--no-trunc', '-a', '-f', 'dangling=false', '--filter', 'label=x', 'busy*'], { host: eng.host, now: NOW });
  const lines = d.stdout.split('\n');
  assert.match(lines[0] ?? '', /^REPOSITORY   TAG       DIGEST {68}IMAGE ID {66}CREATED       SIZE$/);
  assert.equal(lines[1], `busybox      latest    ${DIGEST}   ${A}   2 hours ago   4.26MB`);
  assert.equal(lines[3], `<none>       <none>    <none>${' '.repeat(71 - 6)}   ${C}   2 weeks ago   1e+03kB`);
  const last = eng.requests.at(-1);
  assert.equal(last?.query.get('all'), '1');
  assert.deepEqual(JSON.parse(last?.query.get('filters') ?? ''), { dangling: ['false'], label: ['x'], reference: ['busy*'] });
});

test('--format: templates, table headers, json lines', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/json', json: IMAGES }]);
  const tbl = await runWharf(['images', '--format', 'table {{.Repository}}:{{.Tag}}\\t{{.ID}}\\t{{.Containers}}'], { host: eng.host, now: NOW });
  assert.equal(
    tbl.stdout,
    'REPOSITORY:TAG   IMAGE ID       CONTAINERS\nbusybox:latest   aaaaaaaaaaaa   N/A\nbusybox:1.36     aaaaaaaaaaaa   N/A\n<none>:<none>    cccccccccccc   2\n',
  );
  const plain = await runWharf(['images', '--format', '{{.Repository}} {{.Size}}'], { host: eng.host, now: NOW });
  assert.equal(plain.stdout, 'busybox 4.26MB\nbusybox 4.26MB\n<none> 1e+03kB\n');
  const json = await runWharf(['images', '--format', 'json'], { host: eng.host, now: NOW });
  const first = json.stdout.split('\n')[0] ?? '';
  assert.ok(first.startsWith('{"Containers":"N/A","CreatedAt":"'));
  assert.ok(first.includes('"Digest":"\\u003cnone\\u003e","ID":"aaaaaaaaaaaa","Repository":"busybox","SharedSize":"N/A","Size":"4.26MB","Tag":"latest"'));
  assert.deepEqual(Object.keys(JSON.parse(first)), ['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize']);
});

test('a bad --format is a template parsing error, exit 1; an unknown field too', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/json', json: IMAGES }]);
  const bad = await runWharf(['images', '--format', '{{.Foo'], { host: eng.host });
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, 'template parsing error: template: :1: unclosed action\n');
  const field = await runWharf(['images', '--format', '{{.Foo}}'], { host: eng.host });
  assert.equal(field.status, 1);
  assert.equal(field.stderr, 'template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.imageContext\n');
});

test('`wharf images ls` with no match hints at `wharf image ls`', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/json', json: [] }]);
  const r = await runWharf(['images', 'ls'], { host: eng.host });
  assert.equal(r.stderr, '\nNo images found matching "ls": did you mean "wharf image ls"?\n');
  assert.equal((await runWharf(['image', 'ls', 'ls'], { host: eng.host })).stderr, '');
});

test('rmi prints Untagged/Deleted lines, continues past failures and exits 1', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'DELETE', path: '/images/busybox', json: [{ Untagged: 'busybox:latest' }, { Deleted: A }] },
    { method: 'DELETE', path: '/images/nope', status: 404, json: { message: 'No such image: nope:latest' } },
    { method: 'DELETE', path: '/images/used', status: 409, json: { message: 'conflict: unable to remove repository reference "used" (must force)' } },
    { method: 'DELETE', path: '/images/alpine', json: [{ Untagged: 'alpine:3' }] },
  ]);
  const r = await runWharf(['rmi', 'busybox', 'nope', 'alpine'], { host: eng.host });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, `Untagged: busybox:latest\nDeleted: ${A}\nUntagged: alpine:3\n`);
  assert.equal(r.stderr, 'Error response from daemon: No such image: nope:latest\n');
  const forced = await runWharf(['image', 'rm', '-f', '--no-prune', '--platform', 'linux/arm64,linux/amd64', 'nope', 'alpine'], { host: eng.host });
  assert.equal(forced.status, 0);
  assert.equal(forced.stderr, 'Error response from daemon: No such image: nope:latest\n');
  const last = eng.requests.at(-1);
  assert.equal(last?.path, '/images/alpine');
  assert.equal(last?.query.get('force'), '1');
  assert.equal(last?.query.get('noprune'), '1');
  assert.deepEqual(last?.query.getAll('platforms'), ['{"architecture":"arm64","os":"linux"}', '{"architecture":"amd64","os":"linux"}']);
  const conflict = await runWharf(['image', 'remove', '-f', 'used', 'nope'], { host: eng.host });
  assert.equal(conflict.status, 1);
  assert.equal(
    conflict.stderr,
    'Error response from daemon: conflict: unable to remove repository reference "used" (must force)\nError response from daemon: No such image: nope:latest\n',
  );
});

test('tag sends the normalised repository and tag; digests and bad references are refused', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'POST', path: /\/tag$/, status: 201 },
  ]);
  const r = await runWharf(['tag', 'busybox', 'localhost:5000/tools/bb'], { host: eng.host });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '');
  assert.equal(eng.requests[0]?.url, '/v1.50/images/busybox/tag?repo=localhost%3A5000%2Ftools%2Fbb&tag=latest');
  await runWharf(['image', 'tag', 'busybox:1', 'mine:v2'], { host: eng.host });
  assert.equal(eng.requests[1]?.url, '/v1.50/images/busybox:1/tag?repo=docker.io%2Flibrary%2Fmine&tag=v2');
  const dig = await runWharf(['tag', 'busybox', `busybox@${DIGEST}`], { host: eng.host });
  assert.equal(dig.status, 1);
  assert.equal(dig.stderr, 'refusing to create a tag with a digest reference\n');
  const bad = await runWharf(['tag', 'busybox', 'Bad:Name'], { host: eng.host });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^Error parsing reference: "Bad:Name" is not a valid repository\/tag: invalid reference format/);
  assert.equal(eng.requests.length, 2);
  const missing = await startCannedEngine(t, [{ method: 'POST', path: /\/tag$/, status: 404, json: { message: 'No such image: ghost:latest' } }]);
  const m = await runWharf(['tag', 'ghost', 'x'], { host: missing.host });
  assert.equal(m.status, 1);
  assert.equal(m.stderr, 'Error response from daemon: No such image: ghost:latest\n');
});

test('image prune asks first; "y" prunes and reports, anything else does nothing', async (t) => {
  const eng = await startCannedEngine(t, [
    { method: 'POST', path: '/images/prune', json: { ImagesDeleted: [{ Untagged: 'x:1' }, { Deleted: C }], SpaceReclaimed: 4261550 } },
  ]);
  const no = await runWharf(['image', 'prune'], { host: eng.host, stdin: 'n\n' });
  assert.equal(no.status, 0);
  assert.equal(no.stdout, 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ');
  assert.equal(eng.requests.length, 0);
  const yes = await runWharf(['image', 'prune'], { host: eng.host, stdin: 'y\n' });
  assert.equal(
    yes.stdout,
    `WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] Deleted Images:\nuntagged: x:1\ndeleted: ${C}\n\nTotal reclaimed space: 4.262MB\n`,
  );
  assert.deepEqual(JSON.parse(eng.requests[0]?.query.get('filters') ?? ''), { dangling: ['true'] });
  const all = await runWharf(['image', 'prune', '-af', '--filter', 'until=24h'], { host: eng.host });
  assert.equal(all.status, 0);
  assert.ok(all.stdout.startsWith('Deleted Images:\n'));
  assert.deepEqual(JSON.parse(eng.requests[1]?.query.get('filters') ?? ''), { until: ['24h'], dangling: ['false'] });
  const eof = await runWharf(['image', 'prune', '-a'], { host: eng.host, stdin: '' });
  assert.equal(eof.stdout, 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] ');
  assert.equal(eng.requests.length, 2);
});

test('image prune with nothing to delete prints only the total', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'POST', path: '/images/prune', json: { ImagesDeleted: null, SpaceReclaimed: 0 } }]);
  const r = await runWharf(['image', 'prune', '--force'], { host: eng.host });
  assert.equal(r.stdout, 'Total reclaimed space: 0B\n');
});
