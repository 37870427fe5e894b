import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { hijack, type HijackedConnection } from './hijack.js';
import { parseHost } from './transport.js';

/** rawServer is a node:net server on a temp unix socket; `onConn` sees the raw bytes of each connection. */
async function rawServer(t: TestContext, onConn: (sock: Socket, head: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-hijack-'));
  const path = join(dir, 's.sock');
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      sock.off('data', onData);
      const rest = buf.slice(end + 4);
      if (rest) sock.unshift(Buffer.from(rest, 'latin1'));
      onConn(sock, buf.slice(0, end));
    };
    sock.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(path, r));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  return `unix://${path}`;
}

function readAll(conn: HijackedConnection): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    conn.socket.on('data', (d: Buffer) => (out += d.toString()));
    conn.socket.on('end', () => resolve(out));
    conn.socket.on('error', reject);
  });
}

test('a 101 answer hands over the socket, including bytes sent right after the head', async (t) => {
  let head = '';
  const host = await rawServer(t, (sock, h) => {
    head = h;
    sock.end('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello from the container');
  });
  const conn = await hijack(parseHost(host), { method: 'POST', path: '/v1.50/containers/abc/attach', query: { stream: '1', stdout: '1' }, headers: { 'content-type': 'text/plain' } });
  assert.equal(conn.mediaType, 'application/vnd.docker.raw-stream');
  assert.equal(await readAll(conn), 'hello from the container');
  const lines = head.split('\r\n');
  assert.equal(lines[0], 'POST /v1.50/containers/abc/attach?stream=1&stdout=1 HTTP/1.1');
  assert.ok(lines.includes('connection: Upgrade') || lines.includes('Connection: Upgrade'), head);
  assert.ok(/^upgrade: tcp$/im.test(head), head);
  assert.ok(/^host: api\.moby\.localhost$/im.test(head), head);
});

test('closeWrite half-closes: the daemon sees EOF on stdin and can still answer', async (t) => {
  const host = await rawServer(t, (sock) => {
    sock.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    let input = '';
    sock.on('data', (d: Buffer) => (input += d.toString()));
    sock.on('end', () => sock.end(`got ${input.length} bytes: ${input}`));
  });
  const conn = await hijack(parseHost(host), { method: 'POST', path: '/v1.50/containers/c1/attach', query: { stdin: '1' } });
  const all = readAll(conn);
  conn.socket.write('data\n');
  conn.closeWrite();
  assert.equal(await all, 'got 5 bytes: data\n');
});

test('the JSON body of exec start is sent with its length', async (t) => {
  let body = '';
  const host = await rawServer(t, (sock, head) => {
    assert.match(head, /content-length: 16/i);
    sock.once('data', (d: Buffer) => {
      body = d.toString();
      sock.end('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    });
  });
  const conn = await hijack(parseHost(host), { method: 'POST', path: '/v1.50/exec/e1/start', body: '{"Detach":false}' });
  await readAll(conn);
  assert.equal(body, '{"Detach":false}');
});

test('an error status becomes the daemon\'s error', async (t) => {
  const host = await rawServer(t, (sock) => {
    const msg = JSON.stringify({ message: 'No such container: nope' });
    sock.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${msg.length}\r\n\r\n${msg}`);
  });
  await assert.rejects(hijack(parseHost(host), { method: 'POST', path: '/v1.50/containers/nope/attach' }), (err: unknown) => {
    assert.equal((err as Error).message, 'No such container: nope');
    assert.equal((err as { kind?: string }).kind, 'NotFound');
    return true;
  });
});

test('a success without an upgrade is refused with docker\'s words', async (t) => {
  const host = await rawServer(t, (sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
  await assert.rejects(hijack(parseHost(host), { method: 'POST', path: '/v1.50/containers/x/attach' }), /unable to upgrade to tcp, received 200/);
});

test('a missing daemon is reported as unreachable', async () => {
  await assert.rejects(hijack(parseHost('unix:///nonexistent/wharf.sock'), { method: 'POST', path: '/v1.50/containers/x/attach' }), /Cannot connect to the wharf daemon at unix:\/\/\/nonexistent\/wharf.sock/);
});
