import { WharfError, conflict, invalidArgument, notFound } from '../../common/errors.js';

// Docker's exact wording for exec, attach and resize errors (moby daemon/errors.go, daemon/exec.go).

/**
 * notRunningLower is moby's current errNotRunning, "container <id> is not running" (409), which exec, top and
 * resize answer for a container without a process. (Docker before 25 capitalised it.)
 */
export const notRunningLower = (id: string): WharfError => conflict('WHARF_CONTAINER_NOT_RUNNING', `container ${id} is not running`);

/** execPaused is Docker's 409 for an exec into a paused container. */
export const execPaused = (id: string): WharfError =>
  conflict('WHARF_CONTAINER_STATE_CONFLICT', `Container ${id} is paused, unpause the container before exec`);

/** containerRestarting is Docker's 409 for an operation on a container waiting for its policy restart. */
export const containerRestarting = (id: string): WharfError =>
  conflict('WHARF_CONTAINER_STATE_CONFLICT', `Container ${id} is restarting, wait until the container is running`);

/** noSuchExec is Docker's 404 for an unknown exec ID. */
export const noSuchExec = (id: string): WharfError => notFound('WHARF_NO_SUCH_EXEC', `No such exec instance: ${id}`);

/** noExecCommand is Docker's 400 for an exec create without Cmd. */
export const noExecCommand = (): WharfError => invalidArgument('WHARF_NO_EXEC_COMMAND', 'No exec command specified');

/** execAlreadyRan is Docker's 409 for starting an exec a second time. */
export const execAlreadyRan = (id: string): WharfError => conflict('WHARF_EXEC_ALREADY_STARTED', `exec command ${id} has already run`);

/** execAlreadyRunning is Docker's 409 for starting an exec that is running. */
export const execAlreadyRunning = (id: string): WharfError => conflict('WHARF_EXEC_ALREADY_STARTED', `exec command ${id} is already running`);

/** invalidEscapeKeys is Docker's error for exec create's DetachKeys (it says "escape" where attach says "detach"). */
export const invalidEscapeKeys = (keys: string): WharfError =>
  invalidArgument('WHARF_INVALID_DETACH_KEYS', `Invalid escape keys (${keys}) provided`);

/** execNotStarted is Docker's 400 for resizing an exec whose process failed to start. */
export const execNotStarted = (): WharfError => invalidArgument('WHARF_EXEC_NOT_STARTED', 'exec process is not started');

/** execStartTimeout is Docker's error when an exec resize waited 10 s for the process to start. */
export const execStartTimeout = (): WharfError =>
  new WharfError('Internal', 'WHARF_EXEC_START_TIMEOUT', 'timeout waiting for exec session ready');
