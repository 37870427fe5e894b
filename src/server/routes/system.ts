import { invalidArgument } from '../../common/errors.js';
import type { EngineEvent } from '../../core/events/engine-event.js';
import type { EngineServices } from '../../services/engine-services.js';
import { EVENT_FILTERS } from '../../services/events/event-filter.js';
import { parseUnixTimestamp } from '../../services/filters/timestamp.js';
import { parseDiskUsageTypes } from '../../services/system/df.js';
import { filtersParam } from '../query.js';
import { JsonLineStream, sendEmpty, sendJson, sendText } from '../respond.js';
import { versionAtLeast, type RequestContext, type Router } from '../router.js';
import { toEvent } from '../translate/events.js';
import { toDiskUsage, toInfo, toVersion } from '../translate/system.js';

/** MAX_QUEUED_EVENTS bounds the events waiting for a slow `GET /events` client before it is cut off. */
export const MAX_QUEUED_EVENTS = 4096;

async function ping(ctx: RequestContext): Promise<void> {
  ctx.res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
  ctx.res.setHeader('Pragma', 'no-cache');
  // "1" (the classic builder): wharf has no BuildKit session endpoint for buildx to use.
  ctx.res.setHeader('Builder-Version', '1');
  ctx.res.setHeader('Swarm', 'inactive');
  sendText(ctx.res, 200, ctx.req.method === 'HEAD' ? '' : 'OK');
}

/** eventWindow reads `since`/`until` (Unix seconds with optional fraction) as dockerd does. */
function eventWindow(query: URLSearchParams): { since?: bigint; until?: bigint } {
  const since = parseUnixTimestamp(query.get('since') ?? '', 'since');
  const until = parseUnixTimestamp(query.get('until') ?? '', 'until');
  if (until !== undefined && since !== undefined && until < since) {
    throw invalidArgument('WHARF_INVALID_TIMESTAMP', `\`since\` time (${query.get('since')}) cannot be after \`until\` time (${query.get('until')})`);
  }
  return { since, until };
}

/**
 * getEvents streams events as JSON lines: matching past events first (with since/until), then live ones until
 * `until` passes or the client leaves. A client too slow to take MAX_QUEUED_EVENTS is cut off.
 */
async function getEvents(services: EngineServices, ctx: RequestContext): Promise<void> {
  const { since, until } = eventWindow(ctx.query);
  const filters = filtersParam(ctx.query);
  filters.validate(EVENT_FILTERS);
  // compat: image create events exist from API 1.46 on.
  const hidden = (e: EngineEvent): boolean => !versionAtLeast(ctx, '1.46') && e.type === 'image' && e.action === 'create';
  const stream = new JsonLineStream(ctx.res, { eol: '\n' });
  let queued = 0;
  let chain = Promise.resolve();
  const send = (e: EngineEvent): void => {
    if (hidden(e)) return;
    if (++queued > MAX_QUEUED_EVENTS) {
      ctx.log.warn('events client too slow, closing its stream');
      ctx.res.destroy();
      return;
    }
    chain = chain.then(() => stream.write(toEvent(e))).then(() => void queued--);
  };
  const sub = services.events.subscribe({ since, until, filters }, send);
  try {
    sub.history.forEach(send);
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    if (until === undefined || until > nowNs) await waitUntil(ctx.signal, until === undefined ? undefined : Number((until - nowNs) / 1_000_000n));
  } finally {
    sub.unsubscribe();
  }
  await chain;
  stream.end();
}

/** waitUntil resolves after ms (never, when undefined) or when the signal aborts. */
function waitUntil(signal: AbortSignal, ms: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    // setTimeout cannot wait longer than 2^31-1 ms (24.8 days); such an `until` is as good as never.
    const timer = ms === undefined || ms > 2 ** 31 - 1 ? undefined : setTimeout(done, ms);
    if (signal.aborted) done();
    else signal.addEventListener('abort', done);
  });
}

/** addSystemRoutes registers /_ping, /version, /info, /system/df and /events. */
export function addSystemRoutes(router: Router, services: EngineServices): void {
  router
    .add('GET', '/_ping', ping)
    .add('HEAD', '/_ping', ping)
    .add('GET', '/version', async (ctx) => sendJson(ctx.res, 200, toVersion(services.system.facts)))
    .add('GET', '/info', async (ctx) => sendJson(ctx.res, 200, toInfo(await services.system.info(), ctx.apiVersion)))
    .add('GET', '/system/df', async (ctx) => {
      // compat: the type= selector exists from API 1.42 on; older clients always get everything.
      const types = parseDiskUsageTypes(versionAtLeast(ctx, '1.42') ? ctx.query.getAll('type') : []);
      sendJson(ctx.res, 200, toDiskUsage(await services.system.diskUsage(types), ctx.apiVersion));
    })
    .add('GET', '/events', (ctx) => getEvents(services, ctx))
    // compat: dockerd answers OPTIONS on any path with 200 (CORS preflight of browser clients).
    .add('OPTIONS', '/{anyroute:.*}', async (ctx) => sendEmpty(ctx.res, 200));
}
