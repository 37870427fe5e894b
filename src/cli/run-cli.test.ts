import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCannedEngine } from '../client/canned-engine.test-support.js';
import { runWharf } from './cli-harness.test-support.js';

const IMAGES_ROUTE = { method: 'GET', path: '/images/json', json: [] };

test('no command prints the root help on stderr; --help prints it on stdout', async () => {
  const bare = await runWharf([]);
  assert.equal(bare.status, 0);
  assert.equal(bare.stdout, '');
  assert.match(bare.stderr, /^Usage:  wharf \[OPTIONS\] COMMAND\n\nA Docker-compatible container engine\n\nCommon Commands:\n  run         Create and run a new container from an image\n  exec        Execute a command in a running container\n  ps          List containers\n  images      List images\n  version     Show the wharf version information\n  info        Display system-wide information\n/);
  assert.match(bare.stderr, /\nManagement Commands:\n  container   Manage containers\n  image       Manage images\n  system      Manage wharf\n/);
  assert.match(bare.stderr, /\nCommands:\n  attach      Attach local standard input, output, and error streams to a running container\n  commit      /);
  assert.match(bare.stderr, /\nGlobal Options:\n      --config string      Location of client config files \(ignored by wharf\)\n  -D, --debug              Enable debug mode\n  -H, --host list          Daemon socket to connect to\n/);
  const help = await runWharf(['--help']);
  assert.equal(help.stdout, bare.stderr);
});

test('-v prints docker-style version line', async () => {
  const r = await runWharf(['-v']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^wharf version \d+\.\d+\.\d+\S*, build \S+\n$/);
});

test('unknown commands exit 1 with docker wording', async () => {
  const r = await runWharf(['frobnicate']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, "wharf: unknown command: wharf frobnicate\n\nRun 'wharf --help' for more information\n");
  const g = await runWharf(['image', 'frob']);
  assert.equal(g.status, 1);
  assert.equal(g.stderr, "wharf: unknown command: wharf image frob\n\nUsage:  wharf image\n\nRun 'wharf image --help' for more information\n");
});

test('a group alone lists its subcommands on stderr; with --help on stdout', async () => {
  const r = await runWharf(['system']);
  assert.equal(r.status, 0);
  assert.equal(
    r.stderr,
    "Usage:  wharf system COMMAND\n\nManage wharf\n\nCommands:\n  df          Show wharf disk usage\n  events      Get real time events from the server\n  info        Display system-wide information\n\nRun 'wharf system COMMAND --help' for more information on a command.\n",
  );
  const h = await runWharf(['system', '--help']);
  assert.equal(h.stdout, r.stderr);
});

test('command help shows the usage line as invoked, aliases and options; help <cmd> is the same', async () => {
  const r = await runWharf(['tag', '--help']);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'Usage:  wharf tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n\nAliases:\n  wharf image tag, wharf tag\n');
  const h = await runWharf(['history', '-h']);
  assert.match(h.stdout, /^Usage:  wharf history \[OPTIONS\] IMAGE\n\nShow the history of an image\n\nAliases:\n  wharf image history, wharf history\n\nOptions:\n/);
  assert.match(h.stdout, /  -H, --human             Print sizes and dates in human readable format\n                          \(default true\)\n/);
  assert.equal((await runWharf(['help', 'history'])).stdout, h.stdout);
  const list = await runWharf(['image', 'list', '--help']);
  assert.match(list.stdout, /^Usage:  wharf image ls \[OPTIONS\] \[REPOSITORY\[:TAG\]\]\n/);
  const unknown = await runWharf(['help', 'nope']);
  assert.equal(unknown.status, 1);
  assert.equal(unknown.stderr, 'unknown help topic: nope\n');
});

test('flag errors exit 125 with the usage hint', async () => {
  const r = await runWharf(['images', '--foo']);
  assert.equal(r.status, 125);
  assert.equal(r.stderr, "unknown flag: --foo\n\nUsage:  wharf images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'wharf images --help' for more information\n");
  const s = await runWharf(['image', 'ls', '-qx']);
  assert.equal(s.status, 125);
  assert.match(s.stderr, /^unknown shorthand flag: 'x' in -x\n\nUsage:  wharf image ls \[OPTIONS\]/);
  const g = await runWharf(['--log-level']);
  assert.equal(g.status, 125);
  assert.equal(g.stderr, "flag needs an argument: --log-level\n\nUsage:  wharf [OPTIONS] COMMAND [ARG...]\n\nRun 'wharf --help' for more information\n");
  const lvl = await runWharf(['--log-level=loud', 'images']);
  assert.equal(lvl.status, 125);
  assert.equal(lvl.stderr, 'Unable to parse logging level: loud\n');
  const two = await runWharf(['-H', 'unix:///a', '-H', 'unix:///b', 'images']);
  assert.equal(two.status, 125);
  assert.equal(two.stderr, 'Specify only one -H\n');
  const g2 = await runWharf(['image', '--bogus']);
  assert.equal(g2.status, 125);
  assert.match(g2.stderr, /^unknown flag: --bogus\n\nUsage:  wharf image\n/);
});

test('wrong argument counts exit 1 with docker wording', async () => {
  const cases: [string[], string][] = [
    [['tag', 'a'], "wharf: 'wharf tag' requires 2 arguments\n\nUsage:  wharf tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nRun 'wharf tag --help' for more information\n"],
    [['rmi'], "wharf: 'wharf rmi' requires at least 1 argument\n\nUsage:  wharf rmi [OPTIONS] IMAGE [IMAGE...]\n\nSee 'wharf rmi --help' for more information\n"],
    [['images', 'a', 'b'], "wharf: 'wharf images' requires at most 1 argument\n\nUsage:  wharf images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'wharf images --help' for more information\n"],
    [['load', 'x'], "wharf: 'wharf load' accepts no arguments\n\nUsage:  wharf load [OPTIONS]\n\nRun 'wharf load --help' for more information\n"],
    [['import', 'a', 'b', 'c'], "wharf: 'wharf import' requires at least 1 and at most 2 arguments\n\nUsage:  wharf import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]\n\nRun 'wharf import --help' for more information\n"],
  ];
  for (const [argv, want] of cases) {
    const r = await runWharf(argv);
    assert.equal(r.status, 1, argv.join(' '));
    assert.equal(r.stderr, want);
  }
});

test('global flags: --config warns and is ignored; --context and TLS are refused', async (t) => {
  const eng = await startCannedEngine(t, [IMAGES_ROUTE]);
  const c = await runWharf(['--config', '/tmp/x', 'images', '-q'], { host: eng.host });
  assert.equal(c.status, 0);
  assert.equal(c.stderr, 'WARNING: --config is ignored by wharf\n');
  const ctx = await runWharf(['--context', 'x', 'images'], { host: eng.host });
  assert.equal(ctx.status, 1);
  assert.equal(ctx.stderr, '--context is not supported by wharf\n');
  assert.equal((await runWharf(['--tlsverify', 'images'], { host: eng.host })).status, 1);
});

test('the daemon address comes from -H, then WHARF_HOST, then DOCKER_HOST', async (t) => {
  const a = await startCannedEngine(t, [IMAGES_ROUTE]);
  const b = await startCannedEngine(t, [IMAGES_ROUTE]);
  const c = await startCannedEngine(t, [IMAGES_ROUTE]);
  await runWharf(['-H', a.host, 'images'], { env: { WHARF_HOST: b.host, DOCKER_HOST: c.host } });
  await runWharf(['images'], { env: { WHARF_HOST: b.host, DOCKER_HOST: c.host } });
  await runWharf(['images'], { env: { DOCKER_HOST: c.host } });
  assert.deepEqual([a.requests.length, b.requests.length, c.requests.length], [1, 1, 1]);
});

test('an unreachable daemon is exit 1 with the connect message', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const host = `unix://${join(dir, 'gone.sock')}`;
  const r = await runWharf(['images'], { host });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `Cannot connect to the wharf daemon at ${host}. Is the wharf daemon running?\n`);
});
