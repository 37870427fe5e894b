import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { WharfError } from '../common/errors.js';
import type { CliIO } from './command.js';
import { autostartDaemon, startDaemon } from './daemon-autostart.js';

// A stand-in for dist/src/daemon/main.js: serves /_ping on $FAKE_SOCK (after an optional delay) or exits at once.
const FAKE_DAEMON = `
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
writeFileSync(process.env.FAKE_PIDFILE, String(process.pid));
console.log('fake wharfd starting');
if (process.env.FAKE_MODE === 'exit') process.exit(3);
if (process.env.FAKE_MODE === 'hang') setInterval(() => {}, 1000);
else setTimeout(() => createServer((req, res) => { res.writeHead(200, { 'api-version': '1.50' }); res.end('OK'); }).listen(process.env.FAKE_SOCK), 100);
`;

interface Setup {
  dir: string;
  main: string;
  sock: string;
  log: string;
  env: Record<string, string>;
}

/** setup writes the fake daemon; the daemon it starts (identified by the pid it records) is killed afterwards. */
function setup(t: test.TestContext, mode = ''): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-autostart-'));
  const pidfile = join(dir, 'pid');
  t.after(() => {
    try {
      process.kill(Number(readFileSync(pidfile, 'utf8')), 'SIGKILL');
    } catch {
      // not started, or already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const main = join(dir, 'main.mjs');
  writeFileSync(main, FAKE_DAEMON);
  const sock = join(dir, 'wharf.sock');
  return { dir, main, sock, log: join(dir, 'logs', 'wharfd.log'), env: { FAKE_SOCK: sock, FAKE_PIDFILE: pidfile, FAKE_MODE: mode } };
}

test('startDaemon launches the daemon detached, logs to the file and waits for /_ping', async (t) => {
  const { main, sock, log, env, dir } = setup(t);
  const started = await startDaemon({ daemonMain: main, socketPath: sock, logPaths: [log], env });
  assert.equal(started.pid, Number(readFileSync(join(dir, 'pid'), 'utf8')));
  assert.equal(started.logPath, log);
  assert.match(readFileSync(log, 'utf8'), /fake wharfd starting/);
});

test('autostartDaemon says once on stderr where the log is (falling back to the next log path)', async (t) => {
  const { main, sock, log, dir, env } = setup(t);
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  const io = { stderr, env } as unknown as CliIO;
  // The first log path cannot be created (its parent is a file), so the next one is used.
  writeFileSync(join(dir, 'notadir'), '');
  const ok = await autostartDaemon(io, { daemonMain: main, socketPath: sock, logPaths: [join(dir, 'notadir', 'x.log'), log] });
  assert.equal(ok, true);
  assert.equal(text, `wharf: started the wharf daemon (wharfd) in the background; its log is ${log}\n`);
});

function isAutostartError(msg: RegExp) {
  return (e: unknown): boolean => e instanceof WharfError && e.code === 'WHARF_DAEMON_AUTOSTART_FAILED' && msg.test(e.message);
}

test('a daemon that exits during start-up is reported with its log path', async (t) => {
  const { main, sock, log, env } = setup(t, 'exit');
  await assert.rejects(
    startDaemon({ daemonMain: main, socketPath: sock, logPaths: [log], env }),
    isAutostartError(/^the wharf daemon exited during start-up \(3\); its log is .*wharfd\.log$/),
  );
});

test('a daemon that never answers times out', async (t) => {
  const { main, sock, log, env } = setup(t, 'hang');
  const before = Date.now();
  await assert.rejects(
    startDaemon({ daemonMain: main, socketPath: sock, logPaths: [log], env, timeoutMs: 400 }),
    isAutostartError(/did not answer on unix:\/\/.*wharf\.sock within 0s/),
  );
  assert.ok(Date.now() - before >= 400);
});

test('a missing daemon entry file or no writable log is refused before spawning', async (t) => {
  const { dir, sock, log } = setup(t);
  await assert.rejects(startDaemon({ daemonMain: join(dir, 'nope.js'), socketPath: sock, logPaths: [log] }), isAutostartError(/nope\.js does not exist \(is wharf built\?\)/));
  writeFileSync(join(dir, 'file'), '');
  await assert.rejects(
    startDaemon({ daemonMain: join(dir, 'main.mjs'), socketPath: sock, logPaths: [join(dir, 'file', 'a.log')] }),
    isAutostartError(/no writable log file/),
  );
});
