import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { seqpacketAccept, seqpacketListen } from '../native/native.js';
import { connectSeqpacket } from './seqpacket.js';
import type { SeqpacketConnection } from './seqpacket.js';

type T = { after(fn: () => void): void };

function tempDir(t: T): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-seqpacket-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** listen binds a SOCK_SEQPACKET listener (conmon's part) at dir/name; long paths through the directory's fd. */
function listen(t: T, socketPath: string): number {
  const dirFd = fs.openSync(path.dirname(socketPath), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    const fd = seqpacketListen(`/proc/self/fd/${dirFd}/${path.basename(socketPath)}`);
    t.after(() => fs.closeSync(fd));
    return fd;
  } finally {
    fs.closeSync(dirFd);
  }
}

/** Peer is conmon's end of a connection: a plain descriptor, read and written with fs.readSync/writeSync. */
interface Peer {
  readonly fd: number;
  close(): void;
}

function accept(t: T, listenFd: number): Peer {
  const fd = seqpacketAccept(listenFd);
  assert.ok(fd !== undefined, 'a connection is waiting');
  let open = true;
  const peer = { fd, close: () => open && (fs.closeSync(fd), (open = false)) };
  t.after(() => peer.close());
  return peer;
}

/** Recorder collects what a connection delivers. */
interface Recorder {
  readonly msgs: Buffer[];
  readonly ends: Array<Error | undefined>;
  readonly handlers: { message(m: Buffer): void; end(err?: Error): void };
}

function recorder(): Recorder {
  const r: Recorder = { msgs: [], ends: [], handlers: { message: (m) => r.msgs.push(m), end: (e) => r.ends.push(e) } };
  return r;
}

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const ticks = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));

/**
 * peerRead reads one message at the peer: a Buffer, null for end-of-file, undefined when nothing is waiting.
 * ECONNRESET (we closed while the peer's messages were unread) is the end as well.
 */
function peerRead(fd: number): Buffer | null | undefined {
  const buf = Buffer.alloc(128 * 1024);
  try {
    const n = fs.readSync(fd, buf);
    return n === 0 ? null : buf.subarray(0, n);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') return undefined;
    if (code === 'ECONNRESET') return null;
    throw err;
  }
}

async function peerReadWait(fd: number): Promise<Buffer | null> {
  let got: Buffer | null | undefined;
  await waitFor(() => (got = peerRead(fd)) !== undefined, 'a message at the peer');
  return got as Buffer | null;
}

const sendP = (c: SeqpacketConnection, msg: Buffer): Promise<Error | undefined> => new Promise((r) => c.send(msg, r));

async function pair(t: T): Promise<{ conn: SeqpacketConnection; peer: Peer; rec: Recorder; socketPath: string }> {
  const socketPath = path.join(tempDir(t), 'attach');
  const lfd = listen(t, socketPath);
  const rec = recorder();
  const conn = await connectSeqpacket(socketPath, rec.handlers);
  t.after(() => conn.close());
  return { conn, peer: accept(t, lfd), rec, socketPath };
}

test('message boundaries are kept both ways, up to conmon-sized messages of 8193 bytes', async (t) => {
  const { conn, peer, rec } = await pair(t);
  const sizes = [1, 8193, 300];
  for (const [i, n] of sizes.entries()) fs.writeSync(peer.fd, Buffer.alloc(n, 0x61 + i));
  await waitFor(() => rec.msgs.length === 3, 'three messages');
  assert.deepEqual(rec.msgs, sizes.map((n, i) => Buffer.alloc(n, 0x61 + i)));
  const out = [Buffer.from('hello'), Buffer.alloc(8193, 0x7a), Buffer.from([0])];
  for (const m of out) assert.equal(await sendP(conn, m), undefined);
  for (const m of out) assert.deepEqual(await peerReadWait(peer.fd), m);
  assert.deepEqual(rec.ends, []);
});

test('the peer closing ends the connection once, after the messages it sent', async (t) => {
  const { conn, peer, rec } = await pair(t);
  fs.writeSync(peer.fd, Buffer.from('last words'));
  peer.close();
  await waitFor(() => rec.ends.length > 0, 'end');
  assert.deepEqual(rec.msgs.map(String), ['last words']);
  assert.deepEqual(rec.ends, [undefined]);
  conn.close();
  const err = await sendP(conn, Buffer.from('late'));
  assert.equal((err as NodeJS.ErrnoException | undefined)?.code, 'ERR_SOCKET_CLOSED');
  await ticks(20);
  assert.equal(rec.ends.length, 1, 'close after the end does not end again');
});

test('the peer closing with our messages unread (ECONNRESET) is an ordinary end, as when a container exits', async (t) => {
  const { conn, peer, rec } = await pair(t);
  assert.equal(await sendP(conn, Buffer.from('stdin nobody reads')), undefined);
  peer.close();
  await waitFor(() => rec.ends.length > 0, 'end');
  assert.deepEqual(rec.ends, [undefined]);
});

test('a message larger than the 64 KiB read buffer ends the connection with EMSGSIZE, not silently cut', async (t) => {
  const { peer, rec } = await pair(t);
  fs.writeSync(peer.fd, Buffer.alloc(70_000, 1));
  await waitFor(() => rec.ends.length > 0, 'end');
  assert.equal(rec.msgs.length, 0);
  assert.equal((rec.ends[0] as NodeJS.ErrnoException | undefined)?.code, 'EMSGSIZE');
});

test('shutdownWrite: the peer reads the queued messages, then EOF; we still receive afterwards', async (t) => {
  const { conn, peer, rec } = await pair(t);
  const sent = [sendP(conn, Buffer.from('a')), sendP(conn, Buffer.from('b'))];
  const shut = new Promise<Error | undefined>((r) => conn.shutdownWrite(r));
  assert.deepEqual(await Promise.all(sent), [undefined, undefined]);
  assert.equal(await shut, undefined);
  assert.equal(String(await peerReadWait(peer.fd)), 'a');
  assert.equal(String(await peerReadWait(peer.fd)), 'b');
  assert.equal(await peerReadWait(peer.fd), null, 'EOF at the peer');
  fs.writeSync(peer.fd, Buffer.from('output after stdin EOF'));
  await waitFor(() => rec.msgs.length === 1, 'a message after the half-close');
  assert.equal(String(rec.msgs[0]), 'output after stdin EOF');
  assert.deepEqual(rec.ends, []);
  const late = await sendP(conn, Buffer.from('x'));
  assert.equal((late as NodeJS.ErrnoException | undefined)?.code, 'ERR_STREAM_WRITE_AFTER_END');
});

test('pause stops reading, so the peer is held back by the kernel; resume delivers everything in order', async (t) => {
  const { conn, peer, rec } = await pair(t);
  conn.pause?.();
  let written = 0;
  for (;;) {
    try {
      fs.writeSync(peer.fd, Buffer.alloc(8000, written % 251));
      written++;
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, 'EAGAIN');
      break;
    }
    assert.ok(written < 10_000, 'the peer should be blocked by a full socket');
  }
  await ticks(50);
  assert.equal(rec.msgs.length, 0, 'nothing is read while paused');
  conn.resume?.();
  await waitFor(() => rec.msgs.length === written, `${written} messages`);
  assert.ok(rec.msgs.every((m, i) => m.length === 8000 && m[0] === i % 251));
});

test('send waits for a slow peer: callbacks stop when the socket is full and resume as the peer reads', async (t) => {
  const { conn, peer } = await pair(t);
  const total = 100;
  let done = 0;
  const errors: unknown[] = [];
  for (let i = 0; i < total; i++) {
    conn.send(Buffer.alloc(8192, i), (err) => {
      if (err !== undefined) errors.push(err);
      done++;
    });
  }
  await ticks(50);
  assert.ok(done > 0 && done < total, `some sends wait for the peer (done ${done} of ${total})`);
  const before = done;
  await ticks(50);
  assert.equal(done, before, 'no progress while the peer does not read');
  const received: Buffer[] = [];
  await waitFor(() => {
    let m: Buffer | null | undefined;
    while ((m = peerRead(peer.fd)) !== undefined && m !== null) received.push(m);
    return received.length === total && done === total;
  }, 'all messages');
  assert.deepEqual(errors, []);
  assert.ok(received.every((m, i) => m.length === 8192 && m[0] === i % 256), 'in order, boundaries kept');
});

test('a flood of messages does not starve the event loop: other callbacks run between batches', async (t) => {
  const { rec, peer } = await pair(t);
  for (let i = 0; i < 150; i++) fs.writeSync(peer.fd, Buffer.from([i]));
  let seenAtImmediate = -1;
  const origMessage = rec.handlers.message;
  let scheduled = false;
  rec.handlers.message = (m) => {
    origMessage(m);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => (seenAtImmediate = rec.msgs.length));
  };
  await waitFor(() => rec.msgs.length === 150, '150 messages');
  assert.ok(seenAtImmediate > 0 && seenAtImmediate < 150, `setImmediate ran after ${seenAtImmediate} messages`);
});

test('close is idempotent: queued sends fail, end() comes once, and nothing is delivered afterwards', async (t) => {
  const { conn, peer, rec } = await pair(t);
  const pending: Array<Promise<Error | undefined>> = [];
  for (let i = 0; i < 100; i++) pending.push(sendP(conn, Buffer.alloc(8192)));
  fs.writeSync(peer.fd, Buffer.from('unread'));
  conn.close();
  conn.close();
  const results = await Promise.all(pending);
  assert.ok(results.some((e) => (e as NodeJS.ErrnoException | undefined)?.code === 'ERR_SOCKET_CLOSED'), 'queued sends fail');
  await ticks(20);
  assert.deepEqual(rec.ends, [undefined]);
  assert.equal(rec.msgs.length, 0);
  let eof: Buffer | null | undefined;
  await waitFor(() => (eof = peerRead(peer.fd)) === null, 'EOF at the peer');
  assert.equal(eof, null);
  assert.equal(await new Promise((r) => conn.shutdownWrite(r)), undefined, 'shutdownWrite after close is a no-op');
});

test('an empty message is refused: the peer would read it as end-of-file', async (t) => {
  const { conn } = await pair(t);
  const err = await sendP(conn, Buffer.alloc(0));
  assert.equal((err as NodeJS.ErrnoException | undefined)?.code, 'ERR_INVALID_ARG_VALUE');
});

test('connect errors carry the errno code: a missing path, no listener, a stream socket', async (t) => {
  const dir = tempDir(t);
  const rec = recorder();
  await assert.rejects(connectSeqpacket(path.join(dir, 'missing'), rec.handlers), { code: 'ENOENT', syscall: 'connect' });
  const stale = path.join(dir, 'stale');
  fs.closeSync(seqpacketListen(stale));
  await assert.rejects(connectSeqpacket(stale, rec.handlers), { code: 'ECONNREFUSED' });
  const server = net.createServer();
  const stream = path.join(dir, 'stream');
  await new Promise<void>((r) => server.listen(stream, r));
  t.after(() => server.close());
  await assert.rejects(connectSeqpacket(stream, rec.handlers), { code: 'EPROTOTYPE' });
  assert.deepEqual(rec.ends, []);
});

test('socket paths longer than sun_path (107 bytes) are reached through the directory', async (t) => {
  let dir = tempDir(t);
  while (dir.length < 120) dir = path.join(dir, 'a-rather-long-directory-name');
  fs.mkdirSync(dir, { recursive: true });
  const socketPath = path.join(dir, 'attach');
  assert.ok(Buffer.byteLength(socketPath) > 107);
  const lfd = listen(t, socketPath);
  const rec = recorder();
  const conn = await connectSeqpacket(socketPath, rec.handlers);
  t.after(() => conn.close());
  const peer = accept(t, lfd);
  fs.writeSync(peer.fd, Buffer.from('far away'));
  await waitFor(() => rec.msgs.length === 1, 'a message');
  assert.equal(String(rec.msgs[0]), 'far away');
  const missing = path.join(dir, 'missing');
  await assert.rejects(connectSeqpacket(missing, rec.handlers), { code: 'ENOENT', path: missing });
  await assert.rejects(connectSeqpacket(path.join(dir, 'no-dir', 'attach'), rec.handlers), { code: 'ENOENT' });
});

test('a listener that closes with our connection still queued (a monitor shutting down) fails the connect', async (t) => {
  const socketPath = path.join(tempDir(t), 'attach');
  const lfd = seqpacketListen(socketPath);
  const rec = recorder();
  const connecting = connectSeqpacket(socketPath, rec.handlers);
  fs.closeSync(lfd); // conmon's close_all_readers: the clients, then the listener, never accepting this one
  await assert.rejects(connecting, { code: 'ECONNRESET', path: socketPath });
  await ticks(20);
  assert.deepEqual(rec.ends, [], 'a failed connect never ends a connection');
});

test('a server that accepts and closes at once: connect resolves, and end() follows the caller\'s await', async (t) => {
  const socketPath = path.join(tempDir(t), 'attach');
  const lfd = listen(t, socketPath);
  const rec = recorder();
  const order: string[] = [];
  rec.handlers.end = (e) => (rec.ends.push(e), order.push('end'));
  const connecting = connectSeqpacket(socketPath, rec.handlers);
  const peer = accept(t, lfd);
  fs.writeSync(peer.fd, Buffer.from('goodbye'));
  peer.close();
  const conn = await connecting;
  order.push('resolved');
  t.after(() => conn.close());
  await waitFor(() => rec.ends.length > 0, 'end');
  assert.deepEqual(order, ['resolved', 'end']);
  assert.deepEqual(rec.msgs.map(String), ['goodbye']);
  assert.deepEqual(rec.ends, [undefined]);
});
