/** StartFailure is how Docker classifies an OCI runtime's error when a container's or exec's process could not start. */
export interface StartFailure {
  /** 127 when the command was not found, 126 when it could not be invoked, undefined for other failures. */
  readonly exitCode?: 126 | 127;
  /** True when the error is the user's (a bad command or mount), which Docker reports as 400 rather than 500. */
  readonly invalidConfig: boolean;
  /** The message to show; a hint is appended for a file/directory mount mismatch, as Docker does. */
  readonly message: string;
}

/**
 * classifyStartFailure maps the runtime's error text for `cmd` (the process's argv[0]) to Docker's exit code and error
 * class, following moby's translateContainerdStartErr: "executable file not found" or "no such file or directory"
 * naming the command → 127; EACCES ("permission denied") → 126; ENOTDIR ("not a directory") → 127 with a hint.
 */
export function classifyStartFailure(message: string, cmd: string): StartFailure {
  const lower = message.toLowerCase();
  const has = (s: string): boolean => lower.includes(s);
  let result: StartFailure = { invalidConfig: false, message };
  // compat: moby daemon/start_linux.go translateContainerdStartErr, checks applied in the same order.
  if (cmd !== '' && has(cmd.toLowerCase()) && (has('executable file not found') || has('no such file or directory'))) {
    result = { exitCode: 127, invalidConfig: true, message };
  }
  if (has('permission denied')) result = { exitCode: 126, invalidConfig: true, message };
  if (has('not a directory')) {
    result = {
      exitCode: 127,
      invalidConfig: true,
      message:
        `${message}: Are you trying to mount a directory onto a file (or vice-versa)? ` +
        'Check if the specified host path exists and is the expected type',
    };
  }
  if (has('executable file not found')) result = { ...result, exitCode: 127, invalidConfig: true };
  return result;
}
