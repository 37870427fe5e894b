import { WharfError } from '../../common/errors.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * checkRuntimeId returns `id` when it is safe as a container or exec session ID: it becomes a file name under the
 * exec root and an argument of runc, so it is 1-128 characters of [A-Za-z0-9_.-], not starting with a dot or dash.
 * InvalidArgument (WHARF_INVALID_RUNTIME_ID) otherwise.
 */
export function checkRuntimeId(id: string): string {
  if (!ID.test(id)) {
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_RUNTIME_ID', `invalid container or exec ID: ${JSON.stringify(id)}`);
  }
  return id;
}

/** isRuntimeId tells whether `id` passes checkRuntimeId. */
export function isRuntimeId(id: string): boolean {
  return ID.test(id);
}
