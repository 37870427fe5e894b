import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { DataRootLayout } from '../core/layout.js';
import { AttachService } from '../services/containers/attach.js';
import { EventRecorder, FakeStreamRuntime, MemoryStore, QUIET_LOG } from '../services/containers/attach-testing.js';
import { ExecService } from '../services/containers/exec.js';
import { testId, testRecord } from '../services/containers/testing/records.js';
import type { EngineServices } from '../services/engine-services.js';
import { createApiServer, listen, stopServer } from './create-server.js';
import { decodeFrames } from './hijack-mux.js';
import { Router } from './router.js';
import { addContainerStreamRoutes } from './routes/container-streams.js';
import { addExecRoutes } from './routes/exec.js';

const ID = testId(9);
const layout = new DataRootLayout('/tmp/wharf-hijack-test');

async function setup(t: TestContext, body: Record<string, unknown> = {}) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-hijack-'));
  const socketPath = path.join(dir, 'api.sock');
  // The container's root: exec resolves its user there.
  const rootfs = path.join(dir, 'rootfs');
  await fs.mkdir(path.join(rootfs, 'etc'), { recursive: true });
  await fs.writeFile(path.join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  const record = testRecord(layout, ID, 'web', { body: { OpenStdin: true, StdinOnce: true, ...body }, state: { status: 'running', pid: 5 } });
  const store = new MemoryStore([{ ...record, paths: { ...record.paths, logPath: '', rootfs } }]);
  const runtime = new FakeStreamRuntime();
  const events = new EventRecorder();
  const deps = { store, runtime, events, log: QUIET_LOG };
  const execs = new ExecService({ ...deps, allCapabilities: [], readBundle: async () => undefined });
  const services = { streams: { attach: new AttachService(deps), execs, top: undefined, stats: undefined } } as unknown as EngineServices;
  const router = new Router();
  addContainerStreamRoutes(router, services);
  addExecRoutes(router, services);
  const server = createApiServer(router, { log: pino({ level: 'silent' }), version: '0.0.0-test' });
  await listen(server, `unix://${socketPath}`);
  t.after(async () => {
    await stopServer(server, 50);
    await fs.rm(dir, { recursive: true, force: true });
  });
  return { socketPath, runtime, store, execs, server, events };
}

/** RawClient is a hand-driven connection: it writes request bytes and collects everything the server sends. */
interface RawClient {
  readonly socket: net.Socket;
  received(): Buffer;
  /** until waits for the received bytes to satisfy `pred`. */
  until(pred: (b: Buffer) => boolean, ms?: number): Promise<Buffer>;
  closed: Promise<void>;
}

function connect(socketPath: string, request: string | Buffer): RawClient {
  const socket = net.connect(socketPath);
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (const w of waiters) w();
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(request);
  return {
    socket,
    received: () => buf,
    closed,
    until: (pred, ms = 2000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pred(buf)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(buf);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; received ${JSON.stringify(buf.toString('latin1'))}`));
        }, ms);
        waiters.add(check);
        check();
      }),
  };
}

const headEnd = (b: Buffer): number => b.indexOf('\r\n\r\n');
const head = (b: Buffer): string => b.subarray(0, headEnd(b)).toString();
const payload = (b: Buffer): Buffer => b.subarray(headEnd(b) + 4);
const tick = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('attach with Upgrade: 101, multiplexed frames, stdin forwarded, half-close keeps the output flowing', async (t) => {
  const s = await setup(t);
  const c = connect(s.socketPath, `POST /v1.50/containers/web/attach?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  await c.until((b) => headEnd(b) >= 0);
  const h = head(c.received());
  assert.match(h, /^HTTP\/1\.1 101 UPGRADED\r\n/);
  assert.match(h, /\r\nContent-Type: application\/vnd\.docker\.multiplexed-stream\r\n/);
  assert.match(h, /\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n/);
  assert.match(h, /\r\nApi-Version: 1\.50\r\n/);
  const a = s.runtime.attaches[0];
  assert.ok(a, 'connected to the monitor before answering');
  assert.deepEqual(a.opts, { stdin: true });
  c.socket.write('data\n');
  c.socket.end();
  await tick();
  assert.equal(Buffer.concat(a.handle.received).toString(), 'data\n');
  assert.equal(a.handle.stdinEnded, true, 'StdinOnce: the client EOF closes the container stdin');
  a.handle.stdout.write('5\n');
  a.handle.stderr.write('oops\n');
  await tick();
  a.handle.exit();
  await c.closed;
  const { frames, rest } = decodeFrames(payload(c.received()));
  assert.equal(rest.length, 0);
  assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [[1, '5\n'], [2, 'oops\n']]);
  assert.ok(s.events.actions().includes('attach'));
});

test('attach without Upgrade (old clients): 200 OK raw-stream on the same connection, stdin after it', async (t) => {
  const s = await setup(t);
  const c = connect(s.socketPath, `POST /v1.24/containers/web/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: d\r\n\r\n`);
  await c.until((b) => headEnd(b) >= 0);
  assert.match(head(c.received()), /^HTTP\/1\.1 200 OK\r\nContent-Type: application\/vnd\.docker\.raw-stream\r\n/);
  // Bytes that look like a request must reach the container, not the HTTP parser.
  c.socket.write('GET / HTTP/1.1\r\n\r\n');
  await tick();
  const a = s.runtime.attaches[0];
  assert.equal(Buffer.concat(a?.handle.received ?? []).toString(), 'GET / HTTP/1.1\r\n\r\n');
  a?.handle.stdout.write('out');
  a?.handle.exit();
  c.socket.end();
  await c.closed;
  const { frames } = decodeFrames(payload(c.received()));
  assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [[1, 'out']], 'non-TTY output is framed at every API version');
});

test('attach to a TTY container streams raw bytes and detaches on the detach keys', async (t) => {
  const s = await setup(t, { Tty: true });
  const c = connect(s.socketPath, `POST /v1.50/containers/web/attach?stream=1&stdin=1&stdout=1&detachKeys=ctrl-x HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  await c.until((b) => headEnd(b) >= 0);
  assert.match(head(c.received()), /Content-Type: application\/vnd\.docker\.raw-stream/);
  const a = s.runtime.attaches[0];
  a?.handle.stdout.write('$ ');
  await c.until((b) => payload(b).toString() === '$ ');
  c.socket.write(Buffer.from([108, 115, 24]));
  await c.closed;
  assert.equal(Buffer.concat(a?.handle.received ?? []).toString(), 'ls');
  assert.equal(a?.handle.detached, true);
  assert.ok(s.events.actions().includes('detach'));
});

test('errors before the hijack keep their HTTP status on an upgrade request', async (t) => {
  const s = await setup(t);
  const c = connect(s.socketPath, `POST /v1.50/containers/nosuch/attach?stream=1 HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  await c.closed;
  assert.match(c.received().toString(), /^HTTP\/1\.1 404 Not Found\r\n/);
  assert.match(c.received().toString(), /\{"message":"No such container: nosuch"\}/);
  const bad = connect(s.socketPath, `POST /v1.50/containers/web/attach?stream=1&detachKeys=ctrl-%3F HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  await bad.closed;
  assert.match(bad.received().toString(), /^HTTP\/1\.1 400 /);
  assert.match(bad.received().toString(), /Invalid detach keys \(ctrl-\?\) provided/);
  const old = connect(s.socketPath, `POST /v1.12/containers/web/attach?stream=1 HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  await old.closed;
  assert.match(old.received().toString(), /^HTTP\/1\.1 400 [^]*client version 1\.12 is too old/);
});

test('exec start: the JSON body is read as the body, the bytes after it are stdin', async (t) => {
  const s = await setup(t);
  const id = await s.execs.create('web', {
    cmd: ['cat'], attachStdin: true, attachStdout: true, attachStderr: true, tty: false, env: [], workingDir: '', user: '', privileged: false, detachKeys: '',
  });
  const body = '{"Detach":false,"Tty":false}';
  s.runtime.onExec = (e) => e.io?.stdout.write('started');
  const c = connect(
    s.socketPath,
    `POST /v1.41/exec/${id}/start HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}typed-ahead`,
  );
  await c.until((b) => headEnd(b) >= 0);
  assert.match(head(c.received()), /Content-Type: application\/vnd\.docker\.raw-stream/, 'API < 1.42 is told raw-stream');
  await tick();
  c.socket.end();
  await tick();
  const e = s.runtime.execs[0];
  assert.equal(Buffer.concat(e?.io?.received ?? []).toString(), 'typed-ahead');
  e?.exit(0);
  await c.closed;
  const { frames } = decodeFrames(payload(c.received()));
  assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [[1, 'started']]);
  assert.equal(s.execs.inspect(id).exitCode, 0);
});

test('exec start failures after the hijack go into the stream; detached start answers 200', async (t) => {
  const s = await setup(t);
  const mk = (): Promise<string> =>
    s.execs.create('web', { cmd: ['x'], attachStdin: false, attachStdout: true, attachStderr: true, tty: true, env: [], workingDir: '', user: '', privileged: false, detachKeys: '' });
  const id = await mk();
  s.runtime.execError = Object.assign(new Error('exec failed: unable to start container process: exec: "x": executable file not found in $PATH'), {});
  const body = '{"Tty":true}';
  const c = connect(s.socketPath, `POST /v1.50/exec/${id}/start HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  await c.closed;
  assert.match(head(c.received()), /^HTTP\/1\.1 101 /);
  assert.equal(payload(c.received()).toString(), 'OCI runtime exec failed: exec failed: unable to start container process: exec: "x": executable file not found in $PATH: unknown\r\n');
  s.runtime.execError = undefined;
  const id2 = await mk();
  const d = '{"Detach":true}';
  const c2 = connect(s.socketPath, `POST /v1.50/exec/${id2}/start HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nContent-Length: ${d.length}\r\n\r\n${d}`);
  await c2.until((b) => headEnd(b) >= 0);
  assert.match(head(c2.received()), /^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 0/);
  c2.socket.destroy();
  const gone = connect(s.socketPath, `POST /v1.50/exec/nope/start HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 2\r\n\r\n{}`);
  await gone.closed;
  assert.match(gone.received().toString(), /^HTTP\/1\.1 404 [^]*No such exec instance: nope/);
});

test('resize validates h and w in dockerd\'s words', async (t) => {
  const s = await setup(t, { Tty: true });
  const c = connect(s.socketPath, `POST /v1.50/containers/web/resize?h=abc&w=80 HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n`);
  await c.closed;
  assert.match(c.received().toString(), /^HTTP\/1\.1 400 [^]*invalid resize height \\"abc\\"/);
  const ok = connect(s.socketPath, `POST /v1.50/containers/web/resize?h=40&w=120 HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n`);
  await ok.closed;
  assert.match(ok.received().toString(), /^HTTP\/1\.1 200 OK/);
  assert.deepEqual(s.runtime.resizes, [{ id: ID, size: { height: 40, width: 120 } }]);
  assert.ok(s.events.events.some((e) => e.action === 'resize' && e.attributes['height'] === '40' && e.attributes['width'] === '120'));
});

test('stopping the server cuts hijacked sessions', async (t) => {
  const s = await setup(t);
  const c = connect(s.socketPath, `POST /v1.50/containers/web/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  await c.until((b) => headEnd(b) >= 0);
  await stopServer(s.server, 20);
  await c.closed;
  await tick();
  assert.equal(s.runtime.attaches[0]?.handle.detached, true, 'the monitor connection is dropped, the container keeps running');
});

test('an upgrade request body that arrives after the head, in pieces, is still read as the body', async (t) => {
  const s = await setup(t);
  const id = await s.execs.create('web', {
    cmd: ['cat'], attachStdin: true, attachStdout: true, attachStderr: true, tty: false, env: [], workingDir: '', user: '', privileged: false, detachKeys: '',
  });
  const body = '{"Detach":false,"Tty":true}';
  const c = connect(s.socketPath, `POST /v1.50/exec/${id}/start HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: ${body.length}\r\n\r\n`);
  await tick();
  c.socket.write(body.slice(0, 5));
  await tick();
  c.socket.write(`${body.slice(5)}in`);
  await c.until((b) => headEnd(b) >= 0);
  assert.match(head(c.received()), /Content-Type: application\/vnd\.docker\.raw-stream/, 'Tty from the body: raw');
  await tick();
  const e = s.runtime.execs[0];
  assert.equal(Buffer.concat(e?.io?.received ?? []).toString(), 'in');
  e?.exit(0);
  c.socket.end();
  await c.closed;
});
