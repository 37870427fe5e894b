// Test support (not a test file): a real node:http server on a temp unix socket that answers with canned
// Docker-shaped responses, so the client and CLI are exercised over a real socket.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** RecordedRequest is one request the canned engine received. */
export interface RecordedRequest {
  method: string;
  /** Full URL path with query, as sent. */
  url: string;
  /** Path without the /vX.Y prefix and query. */
  path: string;
  /** The /vX.Y prefix's version, if any. */
  version?: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** CannedRoute answers requests whose method and unversioned path match. */
export interface CannedRoute {
  method: string;
  path: string | RegExp;
  status?: number;
  /** A JSON value (sent as application/json) or raw text/bytes. */
  json?: unknown;
  text?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Custom handler; takes precedence over status/json/text. */
  handle?: (req: RecordedRequest, res: ServerResponse) => void;
}

/** CannedEngine is a running canned server. */
export interface CannedEngine {
  readonly socketPath: string;
  /** `unix://...` address for -H / EngineClient. */
  readonly host: string;
  readonly requests: RecordedRequest[];
}

/** startCannedEngine starts the server; it is closed and its directory removed when the test ends. */
export async function startCannedEngine(
  t: TestContext,
  routes: readonly CannedRoute[],
  opts: { apiVersion?: string } = {},
): Promise<CannedEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-canned-'));
  const socketPath = join(dir, 'engine.sock');
  const apiVersion = opts.apiVersion ?? '1.50';
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(u.pathname);
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: decodeURIComponent(m ? (m[2] ?? '') : u.pathname),
        version: m ? m[1] : undefined,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(rec);
      answer(rec, res, routes, apiVersion);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  return { socketPath, host: `unix://${socketPath}`, requests };
}

function tooNew(version: string, max: string): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  const [c = 0, d = 0] = max.split('.').map(Number);
  return a > c || (a === c && b > d);
}

function answer(rec: RecordedRequest, res: ServerResponse, routes: readonly CannedRoute[], apiVersion: string): void {
  if (rec.version && tooNew(rec.version, apiVersion)) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `client version ${rec.version} is too new. Maximum supported API version is ${apiVersion}` }));
    return;
  }
  const route = routes.find((r) => r.method === rec.method && (typeof r.path === 'string' ? r.path === rec.path : r.path.test(rec.path)));
  if (!route) {
    if (rec.path === '/_ping') {
      res.writeHead(200, { 'api-version': apiVersion, 'content-type': 'text/plain; charset=utf-8', ostype: 'linux' });
      res.end('OK');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `page not found: ${rec.method} ${rec.path}` }));
    return;
  }
  if (route.handle) return route.handle(rec, res);
  const headers: Record<string, string> = { ...route.headers };
  if (route.json !== undefined) {
    res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(route.json));
  } else {
    res.writeHead(route.status ?? 200, { 'content-type': route.contentType ?? 'text/plain', ...headers });
    res.end(route.text ?? '');
  }
}
