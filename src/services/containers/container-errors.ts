import { WharfError, conflict, invalidArgument, kindOf, notFound } from '../../common/errors.js';

// Docker's exact wording for container errors: the docker CLI and scripts match on these messages.

/** noSuchContainer is Docker's 404 for a name, ID or ID prefix that designates no container. */
export const noSuchContainer = (ref: string): WharfError => notFound('WHARF_NO_SUCH_CONTAINER', `No such container: ${ref}`);

/** ambiguousContainerId is Docker's error for an ID prefix that matches several containers. */
export const ambiguousContainerId = (prefix: string): WharfError =>
  invalidArgument('WHARF_AMBIGUOUS_CONTAINER_ID', `multiple IDs found with provided prefix: ${prefix}`);

/** nameInUse is Docker's 409 for a container name another container holds. */
export const nameInUse = (name: string, holderId: string): WharfError =>
  conflict(
    'WHARF_CONTAINER_NAME_IN_USE',
    `Conflict. The container name "/${name}" is already in use by container "${holderId}". You have to remove (or rename) that container to be able to reuse that name.`,
  );

/** notRunning is Docker's 409 for an operation that needs a running container. */
export const notRunning = (id: string): WharfError => conflict('WHARF_CONTAINER_NOT_RUNNING', `Container ${id} is not running`);

/** notModified answers 304: the container is already in the state asked for (start of a running one, stop of a stopped one). */
export const notModified = (what: string): WharfError => new WharfError('NotModified', 'WHARF_CONTAINER_NOT_MODIFIED', what);

/** stateConflict is a 409 for any other operation the container's state forbids, with Docker's message. */
export const stateConflict = (message: string): WharfError => conflict('WHARF_CONTAINER_STATE_CONFLICT', message);

/** isNotModified tells whether err is a WharfError of kind NotModified (a 304: nothing to do). */
export function isNotModified(err: unknown): boolean {
  return kindOf(err) === 'NotModified';
}
