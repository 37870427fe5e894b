import { WharfError } from '../../common/errors.js';
import { runcError, runcMessage } from '../runc/runc-error.js';

/**
 * monitorError turns the error text conmon relayed from `runc create` or `runc exec` into a WharfError. Errors about
 * the container's state or existence keep runcError's kinds (e.g. Conflict for exec in a stopped container); any
 * other failure is WHARF_RUNTIME_CREATE_FAILED / WHARF_RUNTIME_EXEC_FAILED with runc's own message, such as
 * `runc create failed: unable to start container process: exec: "nosuch": executable file not found in $PATH`,
 * which classifyStartFailure maps to Docker's exit codes 127 and 126.
 */
export function monitorError(op: 'create' | 'exec', id: string, text: string): WharfError {
  const message = runcMessage(text) || `${op} failed (conmon gave no reason)`;
  const classified = runcError(op, id, message);
  if (classified.code !== 'WHARF_RUNTIME_FAILED') return classified;
  return op === 'create'
    ? new WharfError('Internal', 'WHARF_RUNTIME_CREATE_FAILED', message)
    : new WharfError('Internal', 'WHARF_RUNTIME_EXEC_FAILED', message);
}
