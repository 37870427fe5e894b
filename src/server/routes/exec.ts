import { invalidArgument } from '../../common/errors.js';
import type { TerminalSize } from '../../core/runtime/container-runtime.js';
import type { EngineServices } from '../../services/engine-services.js';
import { readJsonBody } from '../body.js';
import { serveHijacked, streamContentType } from '../hijack.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { RequestContext, Router } from '../router.js';
import { readExecCreateBody, readExecStartBody, toExecInspect } from '../translate/exec.js';

const UINT32_RE = /^\d+$/;

/**
 * terminalSizeParams reads `h` and `w` of a resize as dockerd's Uint32Value: absent or empty is 0, anything but a
 * decimal uint32 is 400 in dockerd's words.
 */
export function terminalSizeParams(query: URLSearchParams): TerminalSize {
  const read = (key: 'h' | 'w', name: string): number => {
    const raw = query.get(key) ?? '';
    if (raw === '') return 0;
    const n = Number(raw);
    if (!UINT32_RE.test(raw) || n > 0xffffffff) {
      throw invalidArgument('WHARF_INVALID_PARAMETER', `invalid resize ${name} ${JSON.stringify(raw)}: strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`);
    }
    return n;
  };
  return { height: read('h', 'height'), width: read('w', 'width') };
}

async function startExec(services: EngineServices, ctx: RequestContext): Promise<void> {
  const req = readExecStartBody(await readJsonBody(ctx.req), ctx.apiVersion);
  const session = await services.streams.execs.prepareStart(ctx.params['id'] ?? '', req);
  if (session === undefined) {
    sendEmpty(ctx.res, 200);
    return;
  }
  // compat: dockerd frames the stream by the start request's Tty, not the exec's (the CLI sends the same).
  await serveHijacked(ctx, streamContentType(ctx, req.tty), !req.tty, (client) => session.run(client, ctx.signal));
}

/** addExecRoutes registers the exec endpoints: create (under /containers), start, resize, inspect. */
export function addExecRoutes(router: Router, services: EngineServices): void {
  const id = (ctx: RequestContext): string => ctx.params['id'] ?? '';
  router
    .add('POST', '/containers/{name}/exec', async (ctx) => {
      const req = readExecCreateBody(await readJsonBody(ctx.req), ctx.apiVersion);
      sendJson(ctx.res, 201, { Id: await services.streams.execs.create(ctx.params['name'] ?? '', req) });
    })
    .add('POST', '/exec/{id}/start', (ctx) => startExec(services, ctx))
    .add('POST', '/exec/{id}/resize', async (ctx) => {
      await services.streams.execs.resize(id(ctx), terminalSizeParams(ctx.query));
      sendEmpty(ctx.res, 200);
    })
    .add('GET', '/exec/{id}/json', async (ctx) => sendJson(ctx.res, 200, toExecInspect(services.streams.execs.inspect(id(ctx)))));
}
