import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import type { HijackedConnection } from '../../client/hijack.js';
import { frame } from '../../client/stdcopy.js';
import { streamHijacked } from './hijacked-streams.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('latin1');
    cb();
  }
}

/** socketPair connects a client socket (wrapped as a HijackedConnection) to a server-side socket. */
async function socketPair(t: TestContext): Promise<{ conn: HijackedConnection; daemon: Socket }> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-streams-'));
  const path = join(dir, 's.sock');
  const sockets: Socket[] = [];
  const accepted = new Promise<Socket>((resolve) => {
    const server = createServer({ allowHalfOpen: true }, (s) => {
      sockets.push(s);
      resolve(s);
    });
    server.listen(path);
    t.after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    });
  });
  const socket = connect(path);
  const daemon = await accepted;
  const conn: HijackedConnection = {
    socket,
    mediaType: '',
    closeWrite: () => {
      if (!socket.writableEnded) socket.end();
    },
    close: () => socket.destroy(),
  };
  return { conn, daemon };
}

function readUntilEnd(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('end', () => resolve(text));
  });
}

const log = new PassThrough().resume();

test('without a TTY, output frames are split to stdout/stderr and stdin EOF half-closes the connection', async (t) => {
  const { conn, daemon } = await socketPair(t);
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = new PassThrough();
  const session = await streamHijacked({ conn, stdin, stdout, stderr, tty: false, detachKeys: '', log, env: {} });
  const received = readUntilEnd(daemon);
  stdin.end('data\n');
  assert.equal(await received, 'data\n');
  daemon.end(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]));
  assert.equal(await session.done, 'ended');
  assert.deepEqual([stdout.text, stderr.text], ['out\n', 'err\n']);
});

test('with nothing to send, the write side is closed at once (docker\'s CloseWrite)', async (t) => {
  const { conn, daemon } = await socketPair(t);
  const received = readUntilEnd(daemon);
  const session = await streamHijacked({ conn, stdout: new Capture(), stderr: new Capture(), tty: false, detachKeys: '', log, env: {} });
  assert.equal(await received, '');
  daemon.end();
  assert.equal(await session.done, 'ended');
});

test('with a TTY, output is copied raw and the detach keys end the session without their bytes', async (t) => {
  const { conn, daemon } = await socketPair(t);
  const stdout = new Capture();
  const stdin = new PassThrough();
  let sent = '';
  daemon.on('data', (d: Buffer) => (sent += d.toString('latin1')));
  daemon.write('prompt$ \r\n');
  const session = await streamHijacked({ conn, stdin, stdout, tty: true, detachKeys: '', log, env: {} });
  stdin.write('ls\r');
  stdin.write('\x10');
  stdin.write('\x11never sent');
  const closed = new Promise((r) => daemon.once('end', r));
  assert.equal(await session.done, 'detached');
  await closed;
  assert.equal(sent, 'ls\r');
  assert.equal(stdout.text, 'prompt$ \r\n');
});

test('custom detach keys; an invalid value falls back to the default with a warning', async (t) => {
  const { conn } = await socketPair(t);
  const stdin = new PassThrough();
  const warnings = new Capture();
  const session = await streamHijacked({ conn, stdin, stdout: new Capture(), tty: true, detachKeys: 'ctrl-9', log: warnings, env: {} });
  stdin.write('\x10\x11');
  assert.equal(await session.done, 'detached');
  assert.equal(warnings.text, "WARN: invalid detach escape keys, using default: Unknown character: 'ctrl-9'\n");
  const pair = await socketPair(t);
  const stdin2 = new PassThrough();
  const s2 = await streamHijacked({ conn: pair.conn, stdin: stdin2, stdout: new Capture(), tty: true, detachKeys: 'ctrl-x,x', log, env: {} });
  stdin2.write('\x18x');
  assert.equal(await s2.done, 'detached');
});

test('cancel ends a session whose container never answers', async (t) => {
  const { conn } = await socketPair(t);
  const stdin = new PassThrough();
  const session = await streamHijacked({ conn, stdin, stdout: new Capture(), stderr: new Capture(), tty: false, detachKeys: '', log, env: {} });
  session.cancel();
  assert.equal(await session.done, 'canceled');
  assert.equal(conn.socket.destroyed, true);
});

test('the output is not ended or destroyed when the session ends (it is the process\'s stdout)', async (t) => {
  const { conn, daemon } = await socketPair(t);
  const stdout = new Capture();
  const session = await streamHijacked({ conn, stdout, tty: true, detachKeys: '', log, env: {} });
  daemon.end('bye');
  assert.equal(await session.done, 'ended');
  assert.equal(stdout.writableEnded || stdout.destroyed, false);
});

test('a daemon error frame fails the session', async (t) => {
  const { conn, daemon } = await socketPair(t);
  const session = await streamHijacked({ conn, stdout: new Capture(), stderr: new Capture(), tty: false, detachKeys: '', log, env: {} });
  daemon.end(frame(3, 'attach failed'));
  await assert.rejects(session.done, /error from daemon in stream: attach failed/);
});
