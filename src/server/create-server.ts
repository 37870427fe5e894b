import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { API_VERSION } from '../api/version.js';
import { invalidArgument } from '../common/errors.js';
import type { EngineServices } from '../services/engine-services.js';
import { acceptUpgrades } from './hijack.js';
import { httpErrorOf } from './http-error.js';
import { sendJson, sendText } from './respond.js';
import { Router, checkApiVersion, isApiVersionTooOld, splitVersionPrefix, type RequestContext } from './router.js';
import { addContainerFileRoutes } from './routes/container-files.js';
import { addContainerStreamRoutes } from './routes/container-streams.js';
import { addContainerRoutes } from './routes/containers.js';
import { addExecRoutes } from './routes/exec.js';
import { addImageRoutes } from './routes/images.js';
import { addSystemRoutes } from './routes/system.js';

export { listen, stopServer, type ListenAddress } from './listen.js';

/** ServerOptions configure the Engine API server. */
export interface ServerOptions {
  readonly log: Logger;
  /** wharf's version, sent in the `Server` header. */
  readonly version: string;
}

/** engineRouter is the route table of every Engine API endpoint wharfd serves. */
export function engineRouter(services: EngineServices): Router {
  const router = new Router();
  addSystemRoutes(router, services);
  addImageRoutes(router, services);
  addContainerRoutes(router, services);
  addContainerStreamRoutes(router, services);
  addExecRoutes(router, services);
  addContainerFileRoutes(router, services);
  return router;
}

/** createEngineServer builds wharfd's HTTP server for the Engine API; `listen` starts it on a host address. */
export function createEngineServer(services: EngineServices, opts: ServerOptions): Server {
  return createApiServer(engineRouter(services), opts);
}

/**
 * createApiServer serves a router with the Engine API's conventions: `/vX.Y` prefixes checked against the supported
 * range, dockerd's headers on every response, one error mapping, a debug log line per request.
 */
export function createApiServer(router: Router, opts: ServerOptions): Server {
  let lastId = 0;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    dispatch(router, opts, req, res, ++lastId).catch((err: unknown) => {
      opts.log.error({ err }, 'request dispatch failed');
      res.destroy();
    });
  };
  const server = http.createServer(handle);
  // Attach and exec start arrive as `Connection: Upgrade` requests; they go through the same dispatch.
  acceptUpgrades(server, handle);
  // Image loads and imports stream for as long as the archive takes; dockerd has no request timeout either.
  server.requestTimeout = 0;
  return server;
}

function splitTarget(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw invalidArgument('WHARF_INVALID_PATH', `invalid URL path ${JSON.stringify(rawPath.slice(0, 200))}`);
  }
  return { path, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
}

async function dispatch(router: Router, opts: ServerOptions, req: IncomingMessage, res: ServerResponse, reqId: number): Promise<void> {
  const log = opts.log.child({ reqId });
  const started = process.hrtime.bigint();
  res.setHeader('Api-Version', API_VERSION);
  res.setHeader('Docker-Experimental', 'false');
  res.setHeader('Ostype', 'linux');
  res.setHeader('Server', `wharf/${opts.version}`);
  res.on('close', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    log.debug({ method: req.method, url: req.url, status: res.statusCode, ms, finished: res.writableFinished }, 'request');
  });
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  let version: string | undefined;
  try {
    const target = splitTarget(req.url ?? '/');
    const split = splitVersionPrefix(target.path);
    version = split.version;
    const match = router.match(req.method ?? '', split.path);
    if (match === undefined) {
      sendJson(res, 404, { message: 'page not found' });
      return;
    }
    if (version !== undefined) checkApiVersion(version);
    const ctx: RequestContext = { req, res, params: match.params, query: target.query, apiVersion: version ?? API_VERSION, log, signal: abort.signal };
    await match.handler(ctx);
  } catch (err) {
    replyError(req, res, log, err, version, abort.signal);
  }
}

function replyError(req: IncomingMessage, res: ServerResponse, log: Logger, err: unknown, version: string | undefined, signal: AbortSignal): void {
  if (signal.aborted) {
    log.debug({ err }, 'request cancelled by client');
    return;
  }
  if (res.headersSent) {
    // The status went out with the first bytes; all that is left is to cut the response short.
    log.warn({ err }, 'response failed after it started');
    res.destroy();
    return;
  }
  const { status, body } = httpErrorOf(err);
  if (status >= 500) log.error({ err, method: req.method, url: req.url }, 'handler failed');
  // An unread request body (a refused upload) is not drained: the connection closes after the answer.
  if (!req.complete) res.setHeader('Connection', 'close');
  // compat: dockerd answers clients older than API 1.24 in plain text, which they can print.
  if (version !== undefined && isApiVersionTooOld(version)) sendText(res, status, `${body.message}\n`);
  else sendJson(res, status, body);
}
