import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { seqpacketAccept, seqpacketConnect, seqpacketListen } from './native.js';
import type { SeqpacketHandle, SeqpacketListener } from './native.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

type T = { after(fn: () => void): void };

/** server makes a listener in a temp dir; `peer()` accepts the waiting connection (closed after the test). */
function server(t: T): { socketPath: string; peer(): number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-sp-'));
  const socketPath = path.join(dir, 's');
  const lfd = seqpacketListen(socketPath);
  const peers: number[] = [];
  t.after(() => {
    for (const fd of [lfd, ...peers]) fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    socketPath,
    peer: () => {
      const fd = seqpacketAccept(lfd);
      assert.ok(fd !== undefined, 'a connection is waiting');
      peers.push(fd);
      return fd;
    },
  };
}

const silent: SeqpacketListener = { message: () => undefined, end: () => undefined, error: () => undefined, writable: () => undefined };

/** peerEof reports whether the peer reads end-of-file (our side closed); false while the connection is open. */
function peerEof(fd: number): boolean {
  try {
    return fs.readSync(fd, Buffer.alloc(16)) === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return false;
    throw err;
  }
}

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a handle dropped while idle is closed by its finalizer: the peer reads EOF', async (t) => {
  const s = server(t);
  (() => {
    const h = seqpacketConnect(s.socketPath, silent);
    h.readStart();
    h.readStop(); // idle again: only a weak reference holds it
  })();
  const peer = s.peer();
  await waitFor(() => peerEof(peer), 'EOF after garbage collection');
});

test('a reading handle stays alive without JS references and keeps delivering', async (t) => {
  const s = server(t);
  const got: string[] = [];
  (() => {
    seqpacketConnect(s.socketPath, { ...silent, message: (m) => got.push(String(m)) }).readStart();
  })();
  const peer = s.peer();
  for (let i = 0; i < 5; i++) gc();
  await new Promise((r) => setTimeout(r, 20));
  fs.writeSync(peer, Buffer.from('still here'));
  await waitFor(() => got.length === 1, 'the message');
  assert.deepEqual(got, ['still here']);
  assert.equal(peerEof(peer), false);
});

test('closing twice is safe, and collecting a closed handle does not close a descriptor reusing its number', async (t) => {
  const s = server(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-sp-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let fd = -1;
  let file = -1;
  (() => {
    const h = seqpacketConnect(s.socketPath, silent);
    fd = h.fd;
    h.close();
    h.close();
    assert.equal(h.fd, -1);
    file = fs.openSync(path.join(dir, 'f'), 'w');
  })();
  t.after(() => fs.closeSync(file));
  assert.equal(file, fd, 'the lowest free number is reused');
  const peer = s.peer();
  await waitFor(() => peerEof(peer), 'EOF');
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  fs.writeSync(file, 'still open');
  assert.equal(fs.fstatSync(file).size, 10);
});

test('after close, send, readStart and shutdown throw EBADF; readStop does nothing', (t) => {
  const s = server(t);
  const h: SeqpacketHandle = seqpacketConnect(s.socketPath, silent);
  h.close();
  assert.throws(() => h.send(Buffer.from('x')), { code: 'EBADF', syscall: 'send' });
  assert.throws(() => h.readStart(), { code: 'EBADF' });
  assert.throws(() => h.shutdown(), { code: 'EBADF', syscall: 'shutdown' });
  h.readStop();
});

test('bad arguments: long paths, NUL bytes, non-Buffers, non-functions, a foreign `this`', (t) => {
  const s = server(t);
  assert.throws(() => seqpacketConnect(`/tmp/${'x'.repeat(120)}`, silent), { code: 'ENAMETOOLONG', syscall: 'connect' });
  assert.throws(() => seqpacketConnect(`${s.socketPath}\0x`, silent), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => seqpacketListen(`/tmp/${'x'.repeat(120)}`), { code: 'ENAMETOOLONG', syscall: 'bind' });
  const h = seqpacketConnect(s.socketPath, silent);
  t.after(() => h.close());
  assert.throws(() => h.send('text' as unknown as Buffer), { name: 'TypeError' });
  assert.throws(() => h.send.call({}, Buffer.from('x')), { name: 'TypeError' });
  assert.throws(() => h.send.call(Object.create(Object.getPrototypeOf(h)), Buffer.from('x')), { name: 'TypeError' });
  const Ctor = (h as unknown as { constructor: new (p: string, f: unknown) => unknown }).constructor;
  assert.throws(() => new Ctor(s.socketPath, 'not a function'), { name: 'TypeError' });
  assert.throws(() => (Ctor as unknown as (p: string, f: unknown) => unknown)(s.socketPath, () => undefined), { name: 'TypeError' });
  const notSocket = fs.openSync(os.devNull, 'r');
  t.after(() => fs.closeSync(notSocket));
  assert.throws(() => seqpacketAccept(notSocket), { code: 'ENOTSOCK', syscall: 'accept4' });
});

/** inWorker runs `body` (a function source taking m, the native module, and data) in a worker thread. */
function inWorker(body: string, data: unknown): Worker {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.url).then((m) => (${body})(m, workerData.data, (v) => parentPort.postMessage(v)));`;
  return new Worker(code, { eval: true, workerData: { url: new URL('./native.js', import.meta.url).href, data } });
}

test('in a worker thread: an exception thrown by a listener is that worker\'s uncaught error', async (t) => {
  const s = server(t);
  const worker = inWorker(`(m, p, post) => {
    m.seqpacketConnect(p, { message: (b) => { throw new Error('listener failed on ' + b); }, end() {}, error() {}, writable() {} }).readStart();
    post('connected');
  }`, s.socketPath);
  const failed = new Promise<Error>((resolve) => worker.once('error', resolve));
  await new Promise((r) => worker.once('message', r));
  fs.writeSync(s.peer(), Buffer.from('boom'));
  assert.match((await failed).message, /listener failed on boom/);
  await worker.terminate();
});

test('terminating a worker with a reading socket closes the socket and does not crash the process', async (t) => {
  const s = server(t);
  const worker = inWorker(`(m, p, post) => {
    m.seqpacketConnect(p, { message() {}, end() {}, error() {}, writable() {} }).readStart();
    post('connected');
  }`, s.socketPath);
  await new Promise((r) => worker.once('message', r));
  const peer = s.peer();
  assert.equal(peerEof(peer), false);
  await worker.terminate();
  await waitFor(() => peerEof(peer), 'EOF after the worker ended');
});
