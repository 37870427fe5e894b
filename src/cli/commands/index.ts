import type { CommandModule } from '../command.js';

/**
 * CommandEntry is one row of the command table. `group` is the management command it lives under ('' for a
 * top-level command); `aliases` are other full paths that reach it (`images` and `image list` for `image ls`);
 * `top` places it under "Common Commands" in `wharf --help` (docker's category-top order). The module is only
 * imported when the command runs, so start-up cost does not grow with the table.
 */
export interface CommandEntry {
  readonly group: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly top?: number;
  readonly load: () => Promise<CommandModule>;
}

/** GroupEntry is a management command (`wharf image`, `wharf system`) that only lists its subcommands. */
export interface GroupEntry {
  readonly name: string;
  readonly description: string;
}

/** GROUPS are the management commands. */
export const GROUPS: readonly GroupEntry[] = [
  { name: 'container', description: 'Manage containers' },
  { name: 'image', description: 'Manage images' },
  { name: 'system', description: 'Manage wharf' },
];

// Adding a command is one line here plus its module in commands/<group>/<verb>.ts.
/** COMMANDS is the command table. */
export const COMMANDS: readonly CommandEntry[] = [
  { group: 'container', name: 'attach', aliases: ['attach'], description: 'Attach local standard input, output, and error streams to a running container', load: () => import('./container/attach.js') },
  { group: 'container', name: 'commit', aliases: ['commit'], description: "Create a new image from a container's changes", load: () => import('./container/commit.js') },
  { group: 'container', name: 'cp', aliases: ['cp'], description: 'Copy files/folders between a container and the local filesystem', load: () => import('./container/cp.js') },
  { group: 'container', name: 'create', aliases: ['create'], description: 'Create a new container', load: () => import('./container/create.js') },
  { group: 'container', name: 'diff', aliases: ['diff'], description: "Inspect changes to files or directories on a container's filesystem", load: () => import('./container/diff.js') },
  { group: 'container', name: 'exec', aliases: ['exec'], description: 'Execute a command in a running container', top: 2, load: () => import('./container/exec.js') },
  { group: 'container', name: 'export', aliases: ['export'], description: "Export a container's filesystem as a tar archive", load: () => import('./container/export.js') },
  { group: 'container', name: 'inspect', aliases: [], description: 'Display detailed information on one or more containers', load: () => import('./container/inspect.js') },
  { group: 'container', name: 'kill', aliases: ['kill'], description: 'Kill one or more running containers', load: () => import('./container/kill.js') },
  { group: 'container', name: 'logs', aliases: ['logs'], description: 'Fetch the logs of a container', load: () => import('./container/logs.js') },
  { group: 'container', name: 'ls', aliases: ['container list', 'container ps', 'ps'], description: 'List containers', top: 3, load: () => import('./container/ps.js') },
  { group: 'container', name: 'pause', aliases: ['pause'], description: 'Pause all processes within one or more containers', load: () => import('./container/pause.js') },
  { group: 'container', name: 'port', aliases: ['port'], description: 'List port mappings or a specific mapping for the container', load: () => import('./container/port.js') },
  { group: 'container', name: 'prune', aliases: [], description: 'Remove all stopped containers', load: () => import('./container/prune.js') },
  { group: 'container', name: 'rename', aliases: ['rename'], description: 'Rename a container', load: () => import('./container/rename.js') },
  { group: 'container', name: 'restart', aliases: ['restart'], description: 'Restart one or more containers', load: () => import('./container/restart.js') },
  { group: 'container', name: 'rm', aliases: ['container remove', 'rm'], description: 'Remove one or more containers', load: () => import('./container/rm.js') },
  { group: 'container', name: 'run', aliases: ['run'], description: 'Create and run a new container from an image', top: 1, load: () => import('./container/run.js') },
  { group: 'container', name: 'start', aliases: ['start'], description: 'Start one or more stopped containers', load: () => import('./container/start.js') },
  { group: 'container', name: 'stats', aliases: ['stats'], description: 'Display a live stream of container(s) resource usage statistics', load: () => import('./container/stats.js') },
  { group: 'container', name: 'stop', aliases: ['stop'], description: 'Stop one or more running containers', load: () => import('./container/stop.js') },
  { group: 'container', name: 'top', aliases: ['top'], description: 'Display the running processes of a container', load: () => import('./container/top.js') },
  { group: 'container', name: 'unpause', aliases: ['unpause'], description: 'Unpause all processes within one or more containers', load: () => import('./container/unpause.js') },
  { group: 'container', name: 'update', aliases: ['update'], description: 'Update configuration of one or more containers', load: () => import('./container/update.js') },
  { group: 'container', name: 'wait', aliases: ['wait'], description: 'Block until one or more containers stop, then print their exit codes', load: () => import('./container/wait.js') },
  { group: 'image', name: 'bootstrap', aliases: [], description: 'Make a base image offline from Debian packages (busybox, debian)', load: () => import('./image/bootstrap.js') },
  { group: 'image', name: 'history', aliases: ['history'], description: 'Show the history of an image', load: () => import('./image/history.js') },
  { group: 'image', name: 'import', aliases: ['import'], description: 'Import the contents from a tarball to create a filesystem image', load: () => import('./image/import.js') },
  { group: 'image', name: 'inspect', aliases: [], description: 'Display detailed information on one or more images', load: () => import('./image/inspect.js') },
  { group: 'image', name: 'load', aliases: ['load'], description: 'Load an image from a tar archive or STDIN', load: () => import('./image/load.js') },
  { group: 'image', name: 'ls', aliases: ['image list', 'images'], description: 'List images', top: 7, load: () => import('./image/ls.js') },
  { group: 'image', name: 'prune', aliases: [], description: 'Remove unused images', load: () => import('./image/prune.js') },
  { group: 'image', name: 'rm', aliases: ['image remove', 'rmi'], description: 'Remove one or more images', load: () => import('./image/rm.js') },
  { group: 'image', name: 'save', aliases: ['save'], description: 'Save one or more images to a tar archive (streamed to STDOUT by default)', load: () => import('./image/save.js') },
  { group: 'image', name: 'tag', aliases: ['tag'], description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', load: () => import('./image/tag.js') },
  { group: 'system', name: 'df', aliases: [], description: 'Show wharf disk usage', load: () => import('./system/df.js') },
  { group: 'system', name: 'events', aliases: ['events'], description: 'Get real time events from the server', load: () => import('./system/events.js') },
  { group: 'system', name: 'info', aliases: ['info'], description: 'Display system-wide information', top: 12, load: () => import('./system/info.js') },
  { group: '', name: 'inspect', aliases: [], description: 'Return low-level information on wharf objects', load: () => import('./system/inspect.js') },
  { group: '', name: 'version', aliases: [], description: 'Show the wharf version information', top: 10, load: () => import('./system/version.js') },
];

/** canonicalPath is the entry's own path, e.g. `image ls` or `version`. */
export function canonicalPath(e: CommandEntry): string {
  return e.group ? `${e.group} ${e.name}` : e.name;
}

/** findCommand resolves a command path (`images`, `image list`, `system df`) to its entry. */
export function findCommand(path: string): CommandEntry | undefined {
  return COMMANDS.find((e) => canonicalPath(e) === path || e.aliases.includes(path));
}
