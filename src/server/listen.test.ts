import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { listen, parseListenAddress, stopServer } from './listen.js';

async function tempDir(t: test.TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-listen-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

function server(t: test.TestContext): http.Server {
  const s = http.createServer((_req, res) => res.end('ok'));
  t.after(() => stopServer(s, 10));
  return s;
}

test('parseListenAddress reads unix and tcp addresses and refuses others', () => {
  assert.deepEqual(parseListenAddress('unix:///run/wharf.sock'), { kind: 'unix', path: '/run/wharf.sock' });
  assert.deepEqual(parseListenAddress('tcp://127.0.0.1:2375'), { kind: 'tcp', host: '127.0.0.1', port: 2375 });
  assert.deepEqual(parseListenAddress('tcp://[::1]:2375'), { kind: 'tcp', host: '::1', port: 2375 });
  for (const bad of ['unix://', 'tcp://host', 'tcp://host:99999', 'fd://', 'http://x:1', '/run/x.sock']) {
    assert.throws(() => parseListenAddress(bad), /invalid listen address/, bad);
  }
});

test('listen creates the socket with mode 0660 in a new directory and removes a stale one first', async (t) => {
  const dir = await tempDir(t);
  const sock = path.join(dir, 'sub', 'wharf.sock');
  // A socket left by a daemon that was killed: libuv unlinks on close, so only a dead process leaves one.
  await fs.mkdir(path.dirname(sock));
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout, 'data');
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.ok((await fs.lstat(sock)).isSocket());
  const s = server(t);
  await listen(s, `unix://${sock}`);
  assert.equal((await fs.stat(sock)).mode & 0o777, 0o660);
  const body = await new Promise<string>((resolve, reject) => {
    http.get({ socketPath: sock, path: '/' }, (res) => {
      let b = '';
      res.on('data', (c: Buffer) => (b += String(c)));
      res.on('end', () => resolve(b));
    }).on('error', reject);
  });
  assert.equal(body, 'ok');
});

test('listen refuses a socket another daemon serves, and a path that is not a socket', async (t) => {
  const dir = await tempDir(t);
  const sock = path.join(dir, 'wharf.sock');
  await listen(server(t), `unix://${sock}`);
  await assert.rejects(listen(server(t), `unix://${sock}`), /another daemon is serving it/);
  const file = path.join(dir, 'file');
  await fs.writeFile(file, 'x');
  await assert.rejects(listen(server(t), `unix://${file}`), /exists and is not a socket/);
  assert.equal(await fs.readFile(file, 'utf8'), 'x');
});

test('listen on tcp resolves once listening', async (t) => {
  const s = server(t);
  await listen(s, 'tcp://127.0.0.1:0');
  const addr = s.address();
  assert.ok(addr !== null && typeof addr === 'object' && addr.port > 0);
});

test('one server can listen on several addresses, and stopServer closes them all', async (t) => {
  const dir = await tempDir(t);
  const s = http.createServer((_req, res) => res.end('ok'));
  const a = path.join(dir, 'a.sock');
  const b = path.join(dir, 'b.sock');
  await listen(s, `unix://${a}`);
  await listen(s, `unix://${b}`);
  await listen(s, 'tcp://127.0.0.1:0');
  const get = (socketPath: string): Promise<string> =>
    new Promise((resolve, reject) => {
      http.get({ socketPath, path: '/' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += String(c)));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
  assert.deepEqual([await get(a), await get(b)], ['ok', 'ok']);
  assert.equal((await fs.stat(b)).mode & 0o777, 0o660);
  await stopServer(s, 10);
  await assert.rejects(get(b));
  await assert.rejects(get(a));
});
