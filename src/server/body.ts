import type { IncomingMessage } from 'node:http';
import { WharfError, invalidArgument } from '../common/errors.js';

/**
 * JSON_BODY_LIMIT bounds a JSON request body (container create, network create...): 4 MiB, far above what any
 * client sends, small enough that a runaway client cannot balloon the daemon. Streamed bodies (image load, import,
 * build context) are never buffered and have no such limit.
 */
export const JSON_BODY_LIMIT = 4 * 1024 * 1024;

function tooLarge(limit: number): WharfError {
  return new WharfError('TooLarge', 'WHARF_BODY_TOO_LARGE', `request body is larger than the ${limit} byte limit`);
}

function checkJsonContentType(req: IncomingMessage): void {
  const ct = req.headers['content-type'];
  if (ct === undefined || ct === '') return;
  const mime = (ct.split(';')[0] ?? '').trim().toLowerCase();
  if (mime !== 'application/json') {
    // compat: dockerd's wording (httputils.CheckForJSON).
    throw invalidArgument('WHARF_UNSUPPORTED_CONTENT_TYPE', `unsupported Content-Type header (${ct}): must be 'application/json'`);
  }
}

/**
 * readBodyBytes reads a whole (small) body, failing with TooLarge as soon as it passes `limit`. On failure it stops
 * reading without destroying the socket (an async iterator would), so the 413 reply can still be sent.
 */
export function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  // Refuse before reading a byte when the client announces too much.
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err?: unknown): void => {
      req.off('readable', onReadable).off('end', onEnd).off('error', finish);
      if (err === undefined) resolve(Buffer.concat(chunks, size));
      else reject(err);
    };
    const onEnd = (): void => finish();
    const onReadable = (): void => {
      for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) {
        size += chunk.length;
        if (size > limit) {
          req.pause();
          finish(tooLarge(limit));
          return;
        }
        chunks.push(chunk);
      }
    };
    req.on('readable', onReadable).on('end', onEnd).on('error', finish);
  });
}

/**
 * readJsonBody reads and parses a JSON request body of at most `limit` bytes. An empty body gives undefined (as
 * dockerd: "an empty body is not invalid"); a wrong Content-Type or malformed JSON is InvalidArgument; too many
 * bytes is TooLarge (413), raised before the rest of the body is read.
 */
export async function readJsonBody(req: IncomingMessage, limit = JSON_BODY_LIMIT): Promise<unknown> {
  checkJsonContentType(req);
  const bytes = await readBodyBytes(req, limit);
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw invalidArgument('WHARF_INVALID_JSON', `invalid JSON: ${(err as Error).message}`, err);
  }
}
