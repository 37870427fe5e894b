// Test support (not a test file): a fake Engine API on a temp unix socket that runs tiny scripted "containers", so
// that run/start/attach/exec/logs are exercised over real sockets, hijacked connections and multiplexed frames.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { frame } from '../../client/stdcopy.js';

/** Call is one request the engine received. */
export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}

/** FakeProcess is a container's or exec's process: what it runs, its streams and its end. */
interface FakeProcess {
  cmd: string[];
  tty: boolean;
  stdin: string;
  stdinEnded: boolean;
  conn?: Socket;
  exitCode?: number;
  onStdin?: () => void;
  onExit: (() => void)[];
  logs: Buffer[];
}

interface FakeContainer extends FakeProcess {
  id: string;
  body: Record<string, unknown>;
  running: boolean;
  autoRemove: boolean;
  openStdin: boolean;
}

/** FakeEngine is a running fake daemon. */
export interface FakeEngine {
  readonly host: string;
  readonly calls: Call[];
  readonly containers: Map<string, FakeContainer>;
  /** paths lists the calls as `METHOD /path`, without the version prefix and IDs shortened to `{id}`. */
  paths(): string[];
}

function out(p: FakeProcess, stream: 1 | 2, text: string): void {
  const data = p.tty ? Buffer.from(text.replace(/\n/g, '\r\n')) : frame(stream, text);
  p.logs.push(data);
  p.conn?.write(data);
}

function exit(p: FakeProcess & { running?: boolean }, code: number): void {
  if (p.exitCode !== undefined) return;
  p.exitCode = code;
  p.running = false;
  p.conn?.end();
  for (const f of p.onExit) f();
}

/** runScript is what the fake processes do, by their command line. */
function runScript(p: FakeProcess): void {
  const [cmd = '', ...args] = p.cmd;
  const whenStdinEnds = (f: () => void): void => {
    if (p.stdinEnded) f();
    else p.onStdin = () => p.stdinEnded && f();
  };
  switch (cmd) {
    case 'echo': out(p, 1, `${args.join(' ')}\n`); exit(p, 0); return;
    case 'both': out(p, 1, 'to stdout\n'); out(p, 2, 'to stderr\n'); exit(p, 0); return;
    case 'exit': exit(p, Number(args[0])); return;
    case 'wc': whenStdinEnds(() => { out(p, 1, `${Buffer.byteLength(p.stdin)}\n`); exit(p, 0); }); return;
    case 'cat': whenStdinEnds(() => { out(p, 1, p.stdin); exit(p, 0); }); return;
    case 'sleep': return;
    default: out(p, 2, `unknown fake command ${cmd}\n`); exit(p, 99);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function upgrade(sock: Socket, p: FakeProcess): void {
  sock.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.${p.tty ? 'raw' : 'multiplexed'}-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  p.conn = sock;
  sock.on('data', (d: Buffer) => {
    p.stdin += d.toString();
    p.onStdin?.();
  });
  sock.on('end', () => {
    p.stdinEnded = true;
    p.onStdin?.();
  });
  sock.on('error', () => undefined);
}

class Engine {
  readonly calls: Call[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly execs = new Map<string, FakeProcess & { container: string }>();
  #next = 1;

  create(q: URLSearchParams, body: string, res: ServerResponse): void {
    const b = JSON.parse(body) as Record<string, unknown>;
    if (b.Image === 'missing') return json(res, 404, { message: 'No such image: missing:latest' });
    const id = `${String(this.#next++).padStart(2, '0')}${'c'.repeat(62)}`;
    const host = b.HostConfig as { AutoRemove?: boolean };
    this.containers.set(id, {
      id, body: b, cmd: (b.Cmd as string[] | null) ?? [], tty: b.Tty === true, stdin: '', stdinEnded: false, onExit: [], logs: [],
      running: false, autoRemove: host.AutoRemove === true, openStdin: b.OpenStdin === true,
    });
    json(res, 201, { Id: id, Warnings: q.get('name') === 'warn' ? ['a warning'] : [] });
  }

  start(c: FakeContainer, res: ServerResponse): void {
    if (c.cmd[0] === 'nonexist') return json(res, 400, { message: 'failed to create task: exec: "nonexist": executable file not found in $PATH: unknown' });
    if (c.cmd[0] === 'noperm') return json(res, 400, { message: 'failed to create task: exec: "/etc": permission denied: unknown' });
    c.running = true;
    res.writeHead(204).end();
    runScript(c);
  }

  wait(c: FakeContainer, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    const answer = (): void => {
      res.end(JSON.stringify({ StatusCode: c.exitCode ?? 0 }));
    };
    if (c.exitCode !== undefined && !c.running) answer();
    else c.onExit.push(answer);
  }

  inspect(c: FakeContainer, res: ServerResponse): void {
    json(res, 200, { Id: c.id, Config: { Tty: c.tty, OpenStdin: c.openStdin }, State: { Running: c.running, Paused: false, Restarting: false }, HostConfig: { AutoRemove: c.autoRemove } });
  }

  route(req: IncomingMessage, rec: Call, res: ServerResponse): void {
    const m = /^\/containers\/([^/]+)\/(\w+)$/.exec(rec.path);
    if (rec.path === '/images/create') return json(res, 501, { message: 'pulling images is not supported yet (fromImage=missing)' });
    if (rec.path === '/containers/create') return this.create(rec.query, rec.body, res);
    const e = /^\/exec\/([^/]+)\/(\w+)$/.exec(rec.path);
    if (e) return this.execRoute(e[1] ?? '', e[2] ?? '', rec, res);
    const c = m ? this.containers.get(m[1] ?? '') : undefined;
    if (!m || !c) return json(res, 404, { message: `No such container: ${m?.[1] ?? rec.path}` });
    switch (m[2]) {
      case 'start': return this.start(c, res);
      case 'wait': return this.wait(c, res);
      case 'json': return this.inspect(c, res);
      case 'kill': res.writeHead(204).end(); return exit(c, 128 + (rec.query.get('signal') === 'INT' ? 2 : 15));
      case 'resize': res.writeHead(200).end(); return;
      case 'logs': res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' }); res.end(Buffer.concat(c.logs)); return;
      case 'exec': return this.execCreate(c, rec, res);
      default: json(res, 404, { message: `page not found: ${rec.path}` });
    }
  }

  execCreate(c: FakeContainer, rec: Call, res: ServerResponse): void {
    if (!c.running) return json(res, 409, { message: `container ${c.id} is not running` });
    const b = JSON.parse(rec.body) as { Cmd: string[]; Tty: boolean };
    const id = `e${String(this.#next++)}`;
    this.execs.set(id, { container: c.id, cmd: b.Cmd, tty: b.Tty, stdin: '', stdinEnded: false, onExit: [], logs: [] });
    json(res, 201, { Id: id });
  }

  execRoute(id: string, verb: string, _rec: Call, res: ServerResponse): void {
    const x = this.execs.get(id);
    if (!x) return json(res, 404, { message: `No such exec instance: ${id}` });
    if (verb === 'json') return json(res, 200, { ID: id, Running: x.exitCode === undefined, ExitCode: x.exitCode ?? null });
    if (verb === 'resize') return void res.writeHead(200).end();
    res.writeHead(200).end();
    runScript(x);
  }

  upgradeRoute(rec: Call, sock: Socket): void {
    const m = /^\/(containers|exec)\/([^/]+)\/(attach|start)$/.exec(rec.path);
    const p = m?.[1] === 'exec' ? this.execs.get(m[2] ?? '') : this.containers.get(m?.[2] ?? '');
    if (!p) {
      const msg = JSON.stringify({ message: `No such container: ${m?.[2] ?? rec.path}` });
      sock.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${msg.length}\r\n\r\n${msg}`);
      return;
    }
    upgrade(sock, p);
    if (m?.[1] === 'exec') runScript(p);
  }
}

function record(req: IncomingMessage, body: string): Call {
  const u = new URL(req.url ?? '/', 'http://x');
  return { method: req.method ?? '', path: u.pathname.replace(/^\/v\d+\.\d+/, ''), query: u.searchParams, body };
}

/** startFakeEngine starts the fake daemon; it is closed when the test ends. */
export async function startFakeEngine(t: TestContext): Promise<FakeEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-fake-engine-'));
  const socketPath = join(dir, 'engine.sock');
  const engine = new Engine();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const rec = record(req, body);
      engine.calls.push(rec);
      if (rec.path === '/_ping') return void res.writeHead(200, { 'api-version': '1.50' }).end('OK');
      engine.route(req, rec, res);
    });
  });
  server.on('upgrade', (req: IncomingMessage, sock: Socket, head: Buffer) => {
    // The request body (exec start's JSON) comes first; the container's stdin follows it.
    const length = Number(req.headers['content-length'] ?? 0);
    const rec = record(req, head.subarray(0, length).toString());
    engine.calls.push(rec);
    if (head.length > length) sock.unshift(head.subarray(length));
    engine.upgradeRoute(rec, sock);
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  t.after(async () => {
    server.closeAllConnections();
    for (const c of [...engine.containers.values(), ...engine.execs.values()]) c.conn?.destroy();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    host: `unix://${socketPath}`,
    calls: engine.calls,
    containers: engine.containers,
    paths: () => engine.calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f]{2}c{62}/, '{id}').replace(/\/exec\/e\d+/, '/exec/{exec}')}`),
  };
}
