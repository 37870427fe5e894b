import { invalidArgument } from '../../common/errors.js';
import { encodePathStat } from '../../core/archive/container-path-stat.js';
import type { ContainerFileService } from '../../services/containers/archive-service.js';
import { readJsonBody } from '../body.js';
import { boolParam, boolParamOr } from '../query.js';
import { sendEmpty, sendJson, sendStream } from '../respond.js';
import type { RequestContext, Router } from '../router.js';

/** PATH_STAT_HEADER carries the base64 JSON stat of `docker cp`'s path (the docker CLI decodes it). */
const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';

/** pathParam is the required `path` query parameter, in dockerd's words when it is missing. */
function pathParam(ctx: RequestContext): string {
  const p = ctx.query.get('path') ?? '';
  if (p === '') throw invalidArgument('WHARF_INVALID_PARAMETER', 'bad parameter: path cannot be empty');
  return p;
}

async function headArchive(files: ContainerFileService, ctx: RequestContext, name: string): Promise<void> {
  const stat = await files.statPath(name, pathParam(ctx));
  ctx.res.setHeader(PATH_STAT_HEADER, encodePathStat(stat));
  sendEmpty(ctx.res, 200);
}

/**
 * getArchive is `GET /containers/{id}/archive`: the stat header, then the tar. compat: dockerd gzips the tar when the
 * client accepts it; wharf always sends it plain, which every client reads (Go's transport only decompresses what
 * is marked gzip).
 */
async function getArchive(files: ContainerFileService, ctx: RequestContext, name: string): Promise<void> {
  const { stat, archive } = await files.archive(name, pathParam(ctx), ctx.signal);
  ctx.res.setHeader(PATH_STAT_HEADER, encodePathStat(stat));
  await sendStream(ctx.res, archive, 'application/x-tar');
}

/** putArchive is `PUT /containers/{id}/archive`: the body is a tar (plain, gzip or zstd) to extract. */
async function putArchive(files: ContainerFileService, ctx: RequestContext, name: string): Promise<void> {
  const path = pathParam(ctx);
  // compat: dockerd refuses to replace a directory by a file (and the reverse) only when the flag is given and true.
  const noOverwriteDirNonDir = ctx.query.has('noOverwriteDirNonDir') && boolParam(ctx.query, 'noOverwriteDirNonDir');
  await files.extract(name, path, ctx.req, { noOverwriteDirNonDir, copyUIDGID: boolParam(ctx.query, 'copyUIDGID'), signal: ctx.signal });
  sendEmpty(ctx.res, 200);
}

async function postCommit(files: ContainerFileService, ctx: RequestContext): Promise<void> {
  const q = ctx.query;
  const config = await readJsonBody(ctx.req);
  const { id } = await files.commit(q.get('container') ?? '', {
    repo: q.get('repo') ?? '',
    tag: q.get('tag') ?? '',
    comment: q.get('comment') ?? '',
    author: q.get('author') ?? '',
    pause: boolParamOr(q, 'pause', true),
    changes: q.getAll('changes'),
    config,
    signal: ctx.signal,
  });
  sendJson(ctx.res, 201, { Id: id });
}

/**
 * addContainerFileRoutes registers the container file endpoints: archive (HEAD stat, GET copy out, PUT copy in),
 * changes, export and commit.
 */
export function addContainerFileRoutes(router: Router, services: { readonly containerFiles: ContainerFileService }): void {
  const files = services.containerFiles;
  const name = (ctx: RequestContext): string => ctx.params['name'] ?? '';
  router
    .add('HEAD', '/containers/{name}/archive', (ctx) => headArchive(files, ctx, name(ctx)))
    .add('GET', '/containers/{name}/archive', (ctx) => getArchive(files, ctx, name(ctx)))
    .add('PUT', '/containers/{name}/archive', (ctx) => putArchive(files, ctx, name(ctx)))
    .add('GET', '/containers/{name}/changes', async (ctx) => {
      const changes = await files.changes(name(ctx), ctx.signal);
      sendJson(ctx.res, 200, changes.map((c) => ({ Path: c.path, Kind: c.kind })));
    })
    .add('GET', '/containers/{name}/export', async (ctx) => sendStream(ctx.res, await files.export(name(ctx), ctx.signal), 'application/x-tar'))
    .add('POST', '/commit', (ctx) => postCommit(files, ctx));
}
