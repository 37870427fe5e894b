import { WharfError, kindOf, type ErrorKind } from '../common/errors.js';

/**
 * STATUS_BY_KIND is the one table from error kind to HTTP status (moby's httpstatus.FromError). Handlers never
 * choose an error status themselves: they throw a WharfError and the server maps it here.
 */
const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  NotFound: 404,
  InvalidArgument: 400,
  FailedPrecondition: 400,
  Conflict: 409,
  AlreadyExists: 409,
  Unauthorized: 401,
  PermissionDenied: 403,
  Unavailable: 503,
  NotModified: 304,
  NotImplemented: 501,
  TooLarge: 413,
  Canceled: 500,
  Internal: 500,
};

/** statusOf returns the HTTP status for an error kind. */
export function statusOf(kind: ErrorKind): number {
  return STATUS_BY_KIND[kind];
}

/** HttpErrorReply is what the server sends for a failed request: a status and Docker's `{"message": ...}` body. */
export interface HttpErrorReply {
  readonly status: number;
  readonly body: { readonly message: string };
}

/** httpErrorOf turns anything thrown by a handler into the status and body to send. */
export function httpErrorOf(err: unknown): HttpErrorReply {
  const message = err instanceof WharfError || err instanceof Error ? err.message : String(err);
  return { status: statusOf(kindOf(err)), body: { message } };
}
