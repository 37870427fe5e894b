/**
 * WharfError is the one error type of wharf, on both sides of the wire.
 *
 * `kind` is a closed set mirroring containerd's errdefs; the daemon maps it to an HTTP status in exactly one
 * place (server/http-error.ts) and the CLI maps it to an exit code in cli/main.ts. `code` is a stable string
 * that scripts and tests may match on; every code is listed in docs/errors.md (a unit test keeps them in sync).
 */
export const ERROR_KINDS = [
  'NotFound',
  'InvalidArgument',
  'Conflict',
  'AlreadyExists',
  'FailedPrecondition',
  'Unauthorized',
  'PermissionDenied',
  'Unavailable',
  'NotImplemented',
  'NotModified',
  'Canceled',
  'TooLarge',
  'Internal',
] as const;

/** ErrorKind is one of the closed set of error classes in ERROR_KINDS. */
export type ErrorKind = (typeof ERROR_KINDS)[number];

const WHARF_ERROR = Symbol.for('wharf.error');

/** WharfError carries a kind (what class of failure), a stable code and a human message. */
export class WharfError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;

  constructor(kind: ErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WharfError';
    this.kind = kind;
    this.code = code;
    Object.defineProperty(this, WHARF_ERROR, { value: true });
  }

  /** Recognise WharfErrors across duplicate copies of this module (undici's Symbol.hasInstance idea). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[WHARF_ERROR] === true;
  }
}

/** kindOf returns the kind of a WharfError, and Internal for anything else. */
export function kindOf(err: unknown): ErrorKind {
  return err instanceof WharfError ? err.kind : 'Internal';
}

/** isNotFound tells whether err is a WharfError of kind NotFound. */
export function isNotFound(err: unknown): boolean {
  return kindOf(err) === 'NotFound';
}

/** isConflict tells whether err is a WharfError of kind Conflict. */
export function isConflict(err: unknown): boolean {
  return kindOf(err) === 'Conflict';
}

/** isInvalidArgument tells whether err is a WharfError of kind InvalidArgument. */
export function isInvalidArgument(err: unknown): boolean {
  return kindOf(err) === 'InvalidArgument';
}

// Constructors for the common cases. The message is the user-facing text, so where Docker's clients or users
// match on Docker's wording (e.g. "No such image: x") the wording is copied exactly.

export const notFound = (code: string, message: string, cause?: unknown): WharfError =>
  new WharfError('NotFound', code, message, { cause });
export const invalidArgument = (code: string, message: string, cause?: unknown): WharfError =>
  new WharfError('InvalidArgument', code, message, { cause });
export const conflict = (code: string, message: string, cause?: unknown): WharfError =>
  new WharfError('Conflict', code, message, { cause });
export const internal = (code: string, message: string, cause?: unknown): WharfError =>
  new WharfError('Internal', code, message, { cause });

/** noSuchImage is Docker's exact error for an image reference that resolves to nothing. */
export const noSuchImage = (ref: string): WharfError =>
  notFound('WHARF_NO_SUCH_IMAGE', `No such image: ${ref}`);
