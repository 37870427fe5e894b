import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { API_VERSION, MIN_API_VERSION, compareApiVersions } from '../api/version.js';
import { invalidArgument } from '../common/errors.js';

/** HttpMethod is a method the Engine API uses. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

/** RequestContext is what a route handler gets: the raw request and response plus decoded parts of the request. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path parameters named in the route pattern, already percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The API version of the request: the `/vX.Y` prefix, or API_VERSION for a bare path. */
  readonly apiVersion: string;
  /** A child logger carrying the request ID. */
  readonly log: Logger;
  /** Aborted when the client goes away before the response is finished. */
  readonly signal: AbortSignal;
}

/** RouteHandler serves one route; it throws WharfErrors, which the server maps to a status once. */
export type RouteHandler = (ctx: RequestContext) => Promise<void>;

/** RouteMatch is a route found for a request, with its decoded path parameters. */
export interface RouteMatch {
  readonly pattern: string;
  readonly handler: RouteHandler;
  readonly params: Record<string, string>;
}

interface CompiledRoute {
  readonly method: HttpMethod;
  readonly pattern: string;
  readonly re: RegExp;
  readonly names: readonly string[];
  readonly handler: RouteHandler;
}

const PARAM_RE = /\{(\w+)(:\.\*)?\}/g;

function compile(pattern: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const m of pattern.matchAll(PARAM_RE)) {
    source += escapeRegExp(pattern.slice(last, m.index));
    names.push(m[1] as string);
    // `{name:.*}` is gorilla/mux's greedy form Docker uses for image names, which contain slashes.
    source += m[2] === undefined ? '([^/]+)' : '(.*)';
    last = m.index + m[0].length;
  }
  source += escapeRegExp(pattern.slice(last));
  return { re: new RegExp(`^${source}$`), names };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Router is the Engine API route table: routes are tried in the order they were added (as gorilla/mux does in
 * dockerd), so a specific route such as `/images/json` must be added before `/images/{name:.*}`.
 */
export class Router {
  readonly #routes: CompiledRoute[] = [];

  /** add registers a handler for a method and a path pattern such as `/images/{name:.*}/json`. */
  add(method: HttpMethod, pattern: string, handler: RouteHandler): this {
    const { re, names } = compile(pattern);
    this.#routes.push({ method, pattern, re, names, handler });
    return this;
  }

  /**
   * match finds the route for a method and an (unversioned, decoded) path. A path served only under another method
   * does not match: compat: dockerd answers that with 404 "page not found", not 405.
   */
  match(method: string, path: string): RouteMatch | undefined {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const m = route.re.exec(path);
      if (m === null) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = m[i + 1] ?? ''));
      return { pattern: route.pattern, handler: route.handler, params };
    }
    return undefined;
  }
}

const VERSION_PREFIX_RE = /^\/v([0-9.]+)(\/.*)$/;

/** splitVersionPrefix separates a `/vX.Y` prefix (dockerd's `/v{version:[0-9.]+}`) from the rest of a path. */
export function splitVersionPrefix(path: string): { version?: string; path: string } {
  const m = VERSION_PREFIX_RE.exec(path);
  return m === null ? { path } : { version: m[1] as string, path: m[2] as string };
}

/** isApiVersionTooOld tells whether a requested version is below MIN_API_VERSION. */
export function isApiVersionTooOld(version: string): boolean {
  return compareApiVersions(version, MIN_API_VERSION) < 0;
}

/** checkApiVersion throws InvalidArgument, in dockerd's words, for a version wharfd does not serve. */
export function checkApiVersion(version: string): void {
  if (isApiVersionTooOld(version)) {
    throw invalidArgument(
      'WHARF_UNSUPPORTED_API_VERSION',
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  if (compareApiVersions(version, API_VERSION) > 0) {
    throw invalidArgument(
      'WHARF_UNSUPPORTED_API_VERSION',
      `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`,
    );
  }
}

/** versionAtLeast tells whether the request's API version is at least `min` (for version-gated fields). */
export function versionAtLeast(ctx: Pick<RequestContext, 'apiVersion'>, min: string): boolean {
  return compareApiVersions(ctx.apiVersion, min) >= 0;
}
