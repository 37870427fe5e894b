import { once } from 'node:events';
import { invalidArgument } from '../../common/errors.js';
import { entryBytes, type LogEntry, type LogTime } from '../../core/logs/log-entry.js';
import { formatLogTime, parseLogTime } from '../../core/logs/log-time.js';
import type { ContainerService } from '../../services/containers/container-engine.js';
import { parseWaitCondition } from '../../services/containers/wait.js';
import type { EngineServices } from '../../services/engine-services.js';
import { parseUnixTimestamp } from '../../services/filters/timestamp.js';
import { readBodyBytes, readJsonBody } from '../body.js';
import { boolParam, filtersParam, intParam } from '../query.js';
import { sendEmpty, sendJson, toJson } from '../respond.js';
import { versionAtLeast, type RequestContext, type Router } from '../router.js';
import {
  muxFrame, toContainerInspect, toContainerPruneReport, toContainerSummary, toWaitResponse,
} from '../translate/containers.js';

const NS = 1_000_000_000n;

/** logTimeParam reads a `since`/`until` Unix timestamp ("1700000000.5"); absent, empty or 0 gives undefined. */
function logTimeParam(query: URLSearchParams, key: string): LogTime | undefined {
  const ns = parseUnixTimestamp(query.get(key) ?? '', key);
  if (ns === undefined || ns === 0n) return undefined;
  return { sec: Number(ns / NS), nsec: Number(ns % NS) };
}

function tailParam(query: URLSearchParams): number | undefined {
  const raw = query.get('tail') ?? '';
  if (raw === '' || raw === 'all') return undefined;
  if (!/^-?\d+$/.test(raw)) throw invalidArgument('WHARF_INVALID_PARAMETER', `invalid value for "tail": ${JSON.stringify(raw)}`);
  const n = Number(raw);
  return n < 0 ? undefined : n;
}

function timeoutParam(ctx: RequestContext): number | undefined {
  return ctx.query.has('t') && ctx.query.get('t') !== '' ? intParam(ctx.query, 't', 0) : undefined;
}

function signalParam(ctx: RequestContext): string | undefined {
  return versionAtLeast(ctx, '1.42') ? (ctx.query.get('signal') || undefined) : undefined;
}

function logLine(e: LogEntry, timestamps: boolean, details: boolean): Buffer {
  let line = entryBytes(e);
  if (details) line = Buffer.concat([Buffer.from(' '), line]);
  if (timestamps) {
    const t = parseLogTime(e.timestamp);
    line = Buffer.concat([Buffer.from(`${t === undefined ? e.timestamp : formatLogTime(t)} `), line]);
  }
  return line;
}

/**
 * getLogs is `GET /containers/{id}/logs`: the log as multiplexed stdcopy frames (no TTY) or raw bytes (TTY),
 * written as the client reads them (backpressure keeps the daemon's memory bounded), ending when the log does
 * (with follow: when the container stops or the client leaves).
 */
async function getLogs(containers: ContainerService, ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const timestamps = boolParam(q, 'timestamps');
  const details = boolParam(q, 'details');
  const logs = containers.logs(ctx.params['name'] ?? '', {
    stdout: boolParam(q, 'stdout'),
    stderr: boolParam(q, 'stderr'),
    follow: boolParam(q, 'follow'),
    since: logTimeParam(q, 'since'),
    until: logTimeParam(q, 'until'),
    tail: tailParam(q),
    signal: ctx.signal,
  });
  const mux = !logs.tty;
  const type = mux && versionAtLeast(ctx, '1.42') ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
  ctx.res.writeHead(200, { 'Content-Type': type });
  ctx.res.flushHeaders();
  for await (const batch of logs.entries) {
    const chunks = batch.map((e) => (mux ? muxFrame(e.stream, logLine(e, timestamps, details)) : logLine(e, timestamps, details)));
    if (ctx.res.destroyed) return;
    if (!ctx.res.write(Buffer.concat(chunks))) await Promise.race([once(ctx.res, 'drain'), once(ctx.res, 'close')]);
  }
  ctx.res.end();
}

/**
 * postWait is `POST /containers/{id}/wait`. compat: as dockerd, the 200 and headers go out as soon as the waiter is
 * registered (the docker CLI starts the container only after it has them), the body when the condition is met.
 */
async function postWait(containers: ContainerService, ctx: RequestContext): Promise<void> {
  const condition = versionAtLeast(ctx, '1.30') ? parseWaitCondition(ctx.query.get('condition')) : 'not-running';
  const done = containers.wait(ctx.params['name'] ?? '', condition, ctx.signal);
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  let body;
  try {
    body = toWaitResponse(await done);
  } catch (err) {
    if (ctx.signal.aborted) return;
    body = { StatusCode: -1, Error: { Message: (err as Error).message } };
  }
  ctx.res.end(`${toJson(body)}\n`);
}

async function postCreate(containers: ContainerService, ctx: RequestContext): Promise<void> {
  const body = await readJsonBody(ctx.req);
  const name = ctx.query.get('name') ?? '';
  const platform = versionAtLeast(ctx, '1.41') ? (ctx.query.get('platform') ?? '') : '';
  const created = await containers.create(body, {
    apiVersion: ctx.apiVersion,
    ...(name !== '' ? { name } : {}),
    ...(platform !== '' ? { platform } : {}),
  });
  sendJson(ctx.res, 201, { Id: created.id, Warnings: [...created.warnings] });
}

async function postStart(containers: ContainerService, ctx: RequestContext): Promise<void> {
  const body = await readBodyBytes(ctx.req, 1 << 20);
  const text = body.toString('utf8').trim();
  // compat: dockerd refuses a start body (a HostConfig) since API 1.24; "null" and "{}" are what clients send.
  if (versionAtLeast(ctx, '1.24') && text !== '' && text !== 'null' && text !== '{}') {
    throw invalidArgument('WHARF_INVALID_PARAMETER', 'starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24');
  }
  await containers.start(ctx.params['name'] ?? '');
  sendEmpty(ctx.res, 204);
}

async function listContainers(containers: ContainerService, ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const items = await containers.list({
    all: boolParam(q, 'all'),
    limit: intParam(q, 'limit', 0),
    size: boolParam(q, 'size'),
    filters: filtersParam(q),
  });
  const now = new Date();
  sendJson(ctx.res, 200, items.map((i) => toContainerSummary(i, now)));
}

/** addContainerRoutes registers the container lifecycle endpoints (specific paths before `{name}` ones). */
export function addContainerRoutes(router: Router, services: Pick<EngineServices, 'containers'>): void {
  const c = services.containers;
  const name = (ctx: RequestContext): string => ctx.params['name'] ?? '';
  const noContent = (ctx: RequestContext): void => sendEmpty(ctx.res, 204);
  router
    .add('GET', '/containers/json', (ctx) => listContainers(c, ctx))
    .add('POST', '/containers/create', (ctx) => postCreate(c, ctx))
    .add('POST', '/containers/prune', async (ctx) => sendJson(ctx.res, 200, toContainerPruneReport(await c.prune(filtersParam(ctx.query)))))
    .add('GET', '/containers/{name}/json', async (ctx) => sendJson(ctx.res, 200, toContainerInspect(await c.inspect(name(ctx), { size: boolParam(ctx.query, 'size') }))))
    .add('GET', '/containers/{name}/logs', (ctx) => getLogs(c, ctx))
    .add('POST', '/containers/{name}/start', (ctx) => postStart(c, ctx))
    .add('POST', '/containers/{name}/stop', async (ctx) => {
      await c.stop(name(ctx), { timeout: timeoutParam(ctx), signal: signalParam(ctx) });
      noContent(ctx);
    })
    .add('POST', '/containers/{name}/kill', async (ctx) => {
      await c.kill(name(ctx), ctx.query.get('signal') || undefined);
      noContent(ctx);
    })
    .add('POST', '/containers/{name}/restart', async (ctx) => {
      await c.restart(name(ctx), { timeout: timeoutParam(ctx), signal: signalParam(ctx) });
      noContent(ctx);
    })
    .add('POST', '/containers/{name}/wait', (ctx) => postWait(c, ctx))
    .add('POST', '/containers/{name}/rename', async (ctx) => {
      await c.rename(name(ctx), ctx.query.get('name') ?? '');
      noContent(ctx);
    })
    .add('POST', '/containers/{name}/pause', async (ctx) => {
      await c.pause(name(ctx));
      noContent(ctx);
    })
    .add('POST', '/containers/{name}/unpause', async (ctx) => {
      await c.unpause(name(ctx));
      noContent(ctx);
    })
    .add('POST', '/containers/{name}/update', async (ctx) => {
      const warnings = await c.update(name(ctx), await readJsonBody(ctx.req));
      sendJson(ctx.res, 200, { Warnings: warnings });
    })
    .add('DELETE', '/containers/{name}', async (ctx) => {
      if (boolParam(ctx.query, 'link')) {
        throw invalidArgument('WHARF_INVALID_PARAMETER', 'legacy links are not supported: the container has no link to remove');
      }
      await c.remove(name(ctx), { force: boolParam(ctx.query, 'force'), volumes: boolParam(ctx.query, 'v') });
      noContent(ctx);
    });
}
