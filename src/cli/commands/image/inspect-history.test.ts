import test from 'node:test';
import assert from 'node:assert/strict';
import { startCannedEngine } from '../../../client/canned-engine.test-support.js';
import { runWharf } from '../../cli-harness.test-support.js';

const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);
const A = `sha256:${'a'.repeat(64)}`;
// The daemon's exact bytes: re-indenting must keep key order, number text and escapes.
const RAW = `{"Id":"${A}","RepoTags":["busybox:latest"],"Config":{"Cmd":["sh"],"Entrypoint":null,"Env":["PATH=/bin","A=\\u003cb\\u003e"],"Labels":{}},"Size":4261550,"Ratio":1.50}`;

const routes = [
  { method: 'GET', path: '/images/busybox/json', text: RAW, contentType: 'application/json' },
  { method: 'GET', path: /^\/images\/(nope|ghost)\/json$/, status: 404, json: { message: 'No such image: nope:latest' } },
];

test('image inspect prints a JSON array indented by 4 spaces, as the daemon sent it', async (t) => {
  const eng = await startCannedEngine(t, routes);
  const r = await runWharf(['image', 'inspect', 'busybox'], { host: eng.host });
  assert.equal(r.status, 0);
  assert.equal(
    r.stdout,
    `[\n    {\n        "Id": "${A}",\n        "RepoTags": [\n            "busybox:latest"\n        ],\n        "Config": {\n            "Cmd": [\n                "sh"\n            ],\n            "Entrypoint": null,\n            "Env": [\n                "PATH=/bin",\n                "A=\\u003cb\\u003e"\n            ],\n            "Labels": {}\n        },\n        "Size": 4261550,\n        "Ratio": 1.50\n    }\n]\n`,
  );
  const compact = await runWharf(['image', 'inspect', '--format', 'json', 'busybox'], { host: eng.host });
  assert.equal(compact.stdout, `[${RAW}]\n`);
});

test('image inspect: missing images print [] and fail with the daemon error, found ones still print', async (t) => {
  const eng = await startCannedEngine(t, routes);
  const r = await runWharf(['image', 'inspect', 'nope'], { host: eng.host });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '[]\n');
  assert.equal(r.stderr, 'Error response from daemon: No such image: nope:latest\n');
  const mixed = await runWharf(['image', 'inspect', '-f', '{{.ID}} {{.Config.Cmd}} {{json .Config.Env}} {{.Size}}', 'busybox', 'nope'], { host: eng.host });
  assert.equal(mixed.status, 1);
  assert.equal(mixed.stdout, `${A} [sh] ["PATH=/bin","A=<b>"] 4261550\n`);
  assert.equal(mixed.stderr, 'Error response from daemon: No such image: nope:latest\n');
});

test('inspect templates: parse errors exit 64, execution errors exit 1', async (t) => {
  const eng = await startCannedEngine(t, routes);
  const parse = await runWharf(['image', 'inspect', '-f', '{{.Id', 'busybox'], { host: eng.host });
  assert.equal(parse.status, 64);
  assert.equal(parse.stderr, 'template parsing error: template: :1: unclosed action\n');
  assert.equal(eng.requests.length, 0);
  const exec = await runWharf(['image', 'inspect', '-f', '{{index .RepoTags 3}}', 'busybox'], { host: eng.host });
  assert.equal(exec.status, 1);
  assert.equal(exec.stdout, '\n');
  assert.match(exec.stderr, /^template parsing error: template: :1:2: executing "" at <index \.RepoTags 3>: error calling index: index out of range: 3\n$/);
});

test('wharf inspect tries each object type and says "No such object" when none matches', async (t) => {
  const eng = await startCannedEngine(t, routes);
  const r = await runWharf(['inspect', '--format', '{{.Id}}', 'busybox', 'ghost'], { host: eng.host });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, `${A}\n`);
  assert.equal(r.stderr, 'Error: No such object: ghost\n');
  const typed = await runWharf(['inspect', '--type', 'image', 'ghost'], { host: eng.host });
  assert.equal(typed.stderr, 'Error response from daemon: No such image: nope:latest\n');
  const sized = await runWharf(['inspect', '-s', 'busybox'], { host: eng.host });
  assert.equal(sized.status, 0);
  assert.equal(sized.stderr, 'WARNING: --size ignored for image\n');
  const bogus = await runWharf(['inspect', '--type', 'bogus', 'x'], { host: eng.host });
  assert.equal(bogus.status, 1);
  assert.equal(bogus.stderr, 'unknown type: "bogus": must be one of "config", "container", "image", "network", "node", "plugin", "secret", "service", "task", "volume"\n');
  const empty = await runWharf(['inspect', '--type=', 'x'], { host: eng.host });
  assert.match(empty.stderr, /^type is empty: must be one of "config"/);
  const later = await runWharf(['inspect', '--type', 'volume', 'x'], { host: eng.host });
  assert.equal(later.status, 1);
  assert.equal(later.stderr, 'wharf inspect --type volume is not supported yet\n');
});

const HISTORY = [
  { Id: A, Created: NOW / 1000 - 3 * 86400, CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]', Tags: ['busybox:latest'], Size: 0, Comment: '' },
  { Id: '<missing>', Created: NOW / 1000 - 3 * 86400 - 60, CreatedBy: '/bin/sh -c #(nop) ADD file:1234567890abcdef1234567890abcdef in / ', Tags: null, Size: 4261550, Comment: 'imported\tfrom -' },
  { Id: '<missing>', Created: 0, CreatedBy: '', Tags: null, Size: 0, Comment: '' },
];

test('history prints docker\'s table: 45-column CREATED BY, N/A for ancient layers', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/busybox/history', json: HISTORY }]);
  const r = await runWharf(['history', 'busybox'], { host: eng.host, now: NOW });
  assert.equal(r.status, 0);
  assert.equal(
    r.stdout,
    [
      'IMAGE          CREATED      CREATED BY                                      SIZE      COMMENT',
      'aaaaaaaaaaaa   3 days ago   /bin/sh -c #(nop)  CMD ["sh"]                   0B        ',
      // A tab inside a cell starts a new cell, in docker's tabwriter too.
      '<missing>      3 days ago   /bin/sh -c #(nop) ADD file:1234567890abcdef1…   4.26MB    imported   from -',
      '<missing>      N/A                                                          0B        ',
      '',
    ].join('\n'),
  );
  const q = await runWharf(['image', 'history', '-q', '--no-trunc', 'busybox'], { host: eng.host, now: NOW });
  assert.equal(q.stdout, `${A}\n<missing>\n<missing>\n`);
});

test('history -H=false shows RFC 3339 times and byte counts', async (t) => {
  const saved = process.env.TZ;
  process.env.TZ = 'UTC';
  t.after(() => (saved === undefined ? delete process.env.TZ : (process.env.TZ = saved)));
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/busybox/history', json: HISTORY.slice(0, 2) }]);
  const r = await runWharf(['history', '-H=false', '--format', 'table {{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}', 'busybox'], { host: eng.host, now: NOW });
  assert.equal(r.stdout, 'IMAGE          CREATED                SIZE\naaaaaaaaaaaa   2023-12-29T12:00:00Z   0\n<missing>      2023-12-29T11:59:00Z   4261550\n');
});

test('history of a missing image is the daemon error', async (t) => {
  const eng = await startCannedEngine(t, [{ method: 'GET', path: '/images/nope/history', status: 404, json: { message: 'No such image: nope:latest' } }]);
  const r = await runWharf(['history', 'nope'], { host: eng.host });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'Error response from daemon: No such image: nope:latest\n');
});
