import { WharfError, invalidArgument } from '../../common/errors.js';
import type { EngineServices, ProgressMessage } from '../../services/engine-services.js';
import { boolParam, boolParamOr, filtersParam, listParam } from '../query.js';
import { JsonLineStream, sendEmpty, sendJson, sendStream } from '../respond.js';
import { versionAtLeast, type RequestContext, type Router } from '../router.js';
import { toDeleteItems, toImageHistory, toImageInspect, toImageSummary, toPruneReport } from '../translate/images.js';

/**
 * refuseUnsupported answers 501 for a parameter that would change the result and that wharf does not implement
 * yet, from the API version where dockerd starts reading it (older clients' values are ignored, as dockerd does).
 */
function refuseUnsupported(ctx: RequestContext, params: ReadonlyArray<{ name: string; since: string; bool?: boolean }>): void {
  for (const p of params) {
    if (!versionAtLeast(ctx, p.since)) continue;
    const given = p.bool === true ? boolParam(ctx.query, p.name) : ctx.query.getAll(p.name).some((v) => v !== '');
    if (given) {
      throw new WharfError('NotImplemented', 'WHARF_PARAMETER_NOT_IMPLEMENTED', `the ${p.name} parameter of ${ctx.req.method} ${ctx.req.url?.split('?')[0]} is not supported yet`);
    }
  }
}

async function listImages(services: EngineServices, ctx: RequestContext): Promise<void> {
  refuseUnsupported(ctx, [{ name: 'manifests', since: '1.47', bool: true }]);
  let filters = filtersParam(ctx.query);
  // compat: API 1.24 clients send the reference filter as `filter=<glob>`.
  const legacy = ctx.query.get('filter');
  if (!versionAtLeast(ctx, '1.25') && legacy && !filters.contains('reference')) {
    filters = filters.withValue('reference', legacy);
  }
  const images = await services.images.list({
    all: boolParam(ctx.query, 'all'),
    filters,
    sharedSize: versionAtLeast(ctx, '1.42') && boolParam(ctx.query, 'shared-size'),
  });
  sendJson(ctx.res, 200, images.map((s) => toImageSummary(s, { apiVersion: ctx.apiVersion, withContainers: false })));
}

async function removeImage(services: EngineServices, ctx: RequestContext): Promise<void> {
  const name = ctx.params['name'] ?? '';
  if (name.trim() === '') throw invalidArgument('WHARF_INVALID_REFERENCE', 'image name cannot be blank');
  refuseUnsupported(ctx, [{ name: 'platforms', since: '1.50' }]);
  const items = await services.images.remove(name, { force: boolParam(ctx.query, 'force'), noPrune: boolParam(ctx.query, 'noprune') });
  sendJson(ctx.res, 200, toDeleteItems(items));
}

/**
 * createImage is `POST /images/create`. Import (fromSrc=-) reads the archive from the body, streamed; pulling
 * (fromImage) and importing from a URL are not in this release and answer 501.
 */
async function createImage(services: EngineServices, ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const fromImage = q.get('fromImage') ?? '';
  if (fromImage !== '') {
    throw new WharfError('NotImplemented', 'WHARF_PULL_NOT_IMPLEMENTED', `pulling images is not supported yet (fromImage=${fromImage}): load them with "docker load" or import a root filesystem`);
  }
  const src = q.get('fromSrc') ?? '';
  if (src === '') throw invalidArgument('WHARF_INVALID_PARAMETER', 'one of fromImage or fromSrc is required');
  if (src !== '-') {
    throw new WharfError('NotImplemented', 'WHARF_IMPORT_URL_NOT_IMPLEMENTED', `importing from a URL is not supported yet (fromSrc=${src}): send the archive as the request body with fromSrc=-`);
  }
  const { id } = await services.images.importImage(ctx.req, {
    repo: q.get('repo') ?? undefined,
    tag: q.get('tag') ?? undefined,
    changes: q.getAll('changes'),
    message: q.get('message') ?? undefined,
    fromSrc: src,
    platform: versionAtLeast(ctx, '1.32') ? (q.get('platform') ?? undefined) : undefined,
    signal: ctx.signal,
  });
  // compat: nothing is written before the import is done (dockerd's write-flusher), so failures keep their status.
  const stream = new JsonLineStream(ctx.res, { eol: '\r\n' });
  await stream.write({ status: id });
  stream.end();
}

/**
 * loadImages is `POST /images/load`. compat: as dockerd, the answer is always 200 and a failure is reported inside
 * the JSON stream; quiet defaults to true and suppresses only the progress lines.
 */
async function loadImages(services: EngineServices, ctx: RequestContext): Promise<void> {
  refuseUnsupported(ctx, [{ name: 'platform', since: '1.48' }]);
  const quiet = boolParamOr(ctx.query, 'quiet', true);
  const stream = new JsonLineStream(ctx.res, { eol: '\r\n' });
  const onProgress = quiet ? undefined : (p: ProgressMessage): void => void stream.write(p);
  try {
    const { loaded } = await services.images.load(ctx.req, { signal: ctx.signal, onProgress });
    for (const image of loaded) {
      if (image.refs.length === 0) await stream.write({ stream: `Loaded image ID: ${image.id}\n` });
      for (const ref of image.refs) await stream.write({ stream: `Loaded image: ${ref}\n` });
    }
  } catch (err) {
    if (ctx.signal.aborted) return;
    ctx.log.debug({ err }, 'image load failed');
    await stream.writeError(err instanceof Error ? err.message : String(err));
  }
  stream.end();
}

async function saveImages(services: EngineServices, ctx: RequestContext, names: string[]): Promise<void> {
  refuseUnsupported(ctx, [{ name: 'platform', since: '1.48' }]);
  const archive = await services.images.save(names, { signal: ctx.signal });
  await sendStream(ctx.res, archive, 'application/x-tar');
}

function notYet(what: string): (ctx: RequestContext) => Promise<void> {
  return async () => {
    throw new WharfError('NotImplemented', 'WHARF_REGISTRY_NOT_IMPLEMENTED', `${what} is not supported yet: wharf does not talk to registries in this release`);
  };
}

/** addImageRoutes registers the image endpoints in dockerd's order (specific paths before `{name:.*}` ones). */
export function addImageRoutes(router: Router, services: EngineServices): void {
  const name = (ctx: RequestContext): string => ctx.params['name'] ?? '';
  router
    .add('GET', '/images/json', (ctx) => listImages(services, ctx))
    .add('GET', '/images/search', notYet('searching a registry'))
    .add('GET', '/images/get', (ctx) => saveImages(services, ctx, listParam(ctx.query, 'names')))
    .add('GET', '/images/{name:.*}/get', (ctx) => saveImages(services, ctx, [name(ctx)]))
    .add('GET', '/images/{name:.*}/history', async (ctx) => {
      refuseUnsupported(ctx, [{ name: 'platform', since: '1.48' }]);
      sendJson(ctx.res, 200, toImageHistory(await services.images.history(name(ctx))));
    })
    .add('GET', '/images/{name:.*}/json', async (ctx) => {
      refuseUnsupported(ctx, [{ name: 'manifests', since: '1.48', bool: true }, { name: 'platform', since: '1.49' }]);
      sendJson(ctx.res, 200, toImageInspect(await services.images.inspect(name(ctx)), ctx.apiVersion));
    })
    .add('POST', '/images/load', (ctx) => loadImages(services, ctx))
    .add('POST', '/images/create', (ctx) => createImage(services, ctx))
    .add('POST', '/images/{name:.*}/push', notYet('pushing images'))
    .add('POST', '/images/{name:.*}/tag', async (ctx) => {
      await services.images.tag(name(ctx), ctx.query.get('repo') ?? '', ctx.query.get('tag') ?? '');
      sendEmpty(ctx.res, 201);
    })
    .add('POST', '/images/prune', async (ctx) => sendJson(ctx.res, 200, toPruneReport(await services.images.prune({ filters: filtersParam(ctx.query), signal: ctx.signal }))))
    .add('DELETE', '/images/{name:.*}', (ctx) => removeImage(services, ctx));
}
