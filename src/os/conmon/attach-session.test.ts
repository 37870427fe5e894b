import { test } from 'node:test';
import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { AttachSession, STDIN_MESSAGE_MAX } from './attach-session.js';
import type { SeqpacketConnect, SeqpacketHandlers } from './seqpacket.js';

/** FakeMonitor stands in for conmon's end of the attach socket. */
interface FakeMonitor {
  handlers?: SeqpacketHandlers;
  sent: Buffer[];
  shutdown: boolean;
  closed: boolean;
  connect: SeqpacketConnect;
}

function fakeMonitor(): FakeMonitor {
  const m: FakeMonitor = {
    sent: [], shutdown: false, closed: false,
    connect: async (_path, handlers) => {
      m.handlers = handlers;
      return {
        send: (msg, cb) => {
          m.sent.push(Buffer.from(msg));
          setImmediate(cb);
        },
        shutdownWrite: (cb) => {
          m.shutdown = true;
          setImmediate(cb);
        },
        close: () => {
          m.closed = true;
          handlers.end();
        },
      };
    },
  };
  return m;
}

const frame = (pipe: number, s: string): Buffer => Buffer.concat([Buffer.from([pipe]), Buffer.from(s)]);

test('messages are routed by their first byte: 2 stdout, 3 stderr, others ignored', async () => {
  const m = fakeMonitor();
  const s = await new AttachSession({ stdin: false }).open(m.connect, '/x/attach');
  assert.equal(s.stdin, undefined);
  m.handlers?.message(frame(2, 'out1 '));
  m.handlers?.message(frame(3, 'err'));
  m.handlers?.message(frame(1, 'stdin?'));
  m.handlers?.message(Buffer.from([2]));
  m.handlers?.message(frame(2, 'out2'));
  m.handlers?.end();
  assert.equal(await text(s.stdout), 'out1 out2');
  assert.equal(await text(s.stderr), 'err');
  await s.closed;
});

test('stdin is sent in messages of at most 32 KiB, never empty, and end() half-closes', async () => {
  const m = fakeMonitor();
  const s = await new AttachSession({ stdin: true }).open(m.connect, '/x/attach');
  const big = Buffer.alloc(STDIN_MESSAGE_MAX * 2 + 5, 0x61);
  s.stdin?.write(Buffer.alloc(0));
  s.stdin?.write(big);
  await new Promise<void>((resolve) => s.stdin?.end('tail', resolve));
  assert.deepEqual(m.sent.map((b) => b.length), [STDIN_MESSAGE_MAX, STDIN_MESSAGE_MAX, 5, 4]);
  assert.equal(m.shutdown, true);
  assert.equal(Buffer.concat(m.sent).toString(), `${big.toString()}tail`);
});

test('the monitor closing the connection ends both streams and resolves closed', async () => {
  const m = fakeMonitor();
  const s = await new AttachSession({ stdin: true }).open(m.connect, '/x/attach');
  m.handlers?.message(frame(2, 'bye'));
  m.handlers?.end();
  await s.closed;
  assert.equal(await text(s.stdout), 'bye');
  assert.equal(s.stdin?.destroyed, true);
  s.stdin?.write('ignored after the end');
});

test('a broken connection rejects closed and errors the streams', async () => {
  const m = fakeMonitor();
  const s = await new AttachSession({ stdin: false }).open(m.connect, '/x/attach');
  const failures: unknown[] = [];
  s.stdout.on('error', (e) => failures.push(e));
  s.stderr.on('error', (e) => failures.push(e));
  m.handlers?.end(new Error('ECONNRESET'));
  await assert.rejects(s.closed, /ECONNRESET/);
  await new Promise((r) => setImmediate(r));
  assert.equal(failures.length, 2);
});

test('detach drops the connection; closed resolves', async () => {
  const m = fakeMonitor();
  const s = await new AttachSession({ stdin: true }).open(m.connect, '/x/attach');
  s.detach();
  await s.closed;
  assert.equal(m.closed, true);
  assert.equal(m.shutdown, false, 'detaching is not EOF on stdin');
});

test('a client that stops reading is disconnected once the buffer limit is passed', async () => {
  const m = fakeMonitor();
  const s = await new AttachSession({ stdin: false, bufferLimit: 1000 }).open(m.connect, '/x/attach');
  s.stdout.on('error', () => undefined);
  s.stderr.on('error', () => undefined);
  for (let i = 0; i < 20; i++) m.handlers?.message(frame(2, 'x'.repeat(100)));
  await assert.rejects(s.closed, { code: 'WHARF_ATTACH_OVERRUN', kind: 'Unavailable' });
  assert.equal(m.closed, true);
});

test('a failed connect rejects open', async () => {
  const connect: SeqpacketConnect = async () => {
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  };
  await assert.rejects(new AttachSession({ stdin: false }).open(connect, '/x/attach'), /ENOENT/);
});
