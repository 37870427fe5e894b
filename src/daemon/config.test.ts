import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDaemonConfig, parseDaemonArgs, validateHost } from './config.js';

function tempConfig(t: test.TestContext, body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-config-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'daemon.json');
  fs.writeFileSync(file, body);
  return file;
}

test('defaults apply when nothing is said', () => {
  const c = loadDaemonConfig({ flags: {} }, {});
  assert.equal(c.dataRoot, '/var/lib/wharf');
  assert.equal(c.execRoot, '/run/wharf');
  assert.deepEqual(c.hosts, ['unix:///run/wharf.sock']);
  assert.equal(c.logLevel, 'info');
  assert.ok(Object.isFrozen(c));
});

test('precedence: file, then environment, then flags', (t) => {
  const file = tempConfig(t, JSON.stringify({ 'data-root': '/from/file', 'exec-root': '/exec/file', 'log-level': 'warn' }));
  const parsed = parseDaemonArgs(['--config-file', file, '--data-root', '/from/flag']);
  assert.equal(parsed.action, 'run');
  if (parsed.action !== 'run') return;
  const c = loadDaemonConfig(parsed, { WHARF_EXEC_ROOT: '/exec/env', WHARF_DATA_ROOT: '/from/env' });
  assert.equal(c.dataRoot, '/from/flag');
  assert.equal(c.execRoot, '/exec/env');
  assert.equal(c.logLevel, 'warn');
});

test('-H is repeatable and hosts are normalised', () => {
  const parsed = parseDaemonArgs(['-H', '/tmp/a.sock', '-H', 'tcp://127.0.0.1:2375']);
  assert.equal(parsed.action, 'run');
  if (parsed.action !== 'run') return;
  assert.deepEqual(loadDaemonConfig(parsed, {}).hosts, ['unix:///tmp/a.sock', 'tcp://127.0.0.1:2375']);
});

test('-D means debug logging', () => {
  const parsed = parseDaemonArgs(['-D']);
  assert.ok(parsed.action === 'run' && parsed.flags.logLevel === 'debug');
});

test('bad input gives clear errors', (t) => {
  assert.throws(() => parseDaemonArgs(['--bogus']), /Unknown option '--bogus'/);
  assert.throws(() => validateHost('http://x'), /invalid host "http:\/\/x"/);
  assert.throws(() => loadDaemonConfig({ flags: { dataRoot: 'relative' } }, {}), /absolute path/);
  assert.throws(() => loadDaemonConfig({ flags: {} }, { WHARF_LOG_LEVEL: 'loud' }), /invalid log level "loud"/);
  const unknownKey = tempConfig(t, '{"storage-driver": "vfs"}');
  assert.throws(() => loadDaemonConfig({ flags: {}, configFile: unknownKey }, {}), /unknown key "storage-driver"/);
  const notJson = tempConfig(t, '{oops');
  assert.throws(() => loadDaemonConfig({ flags: {}, configFile: notJson }, {}), /not valid JSON/);
  assert.throws(() => loadDaemonConfig({ flags: {}, configFile: '/nonexistent/daemon.json' }, {}), /unable to read config file/);
  const badType = tempConfig(t, '{"hosts": "unix:///x"}');
  assert.throws(() => loadDaemonConfig({ flags: {}, configFile: badType }, {}), /"hosts" must be a list of strings/);
});

test('--help and --version are actions', () => {
  assert.equal(parseDaemonArgs(['--help']).action, 'help');
  assert.equal(parseDaemonArgs(['-v']).action, 'version');
});
