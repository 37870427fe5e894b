import type { FlagSpec } from '../flags/flag-spec.js';

// The flags of `docker run` and `docker create` (docker CLI 28.2, cli/command/container/opts.go addFlags and the
// run/create commands), as data. Values stay strings here: create-body.ts validates and converts them with docker's
// parsers and wording. pflag value types that the help renderer does not know (bytes, decimal, duration, map, mount,
// network, ulimit, uint16) are declared as `string` or `list`.

const CGROUPNS_USAGE = `Cgroup namespace to use (host|private)
'host':    Run the container in the Docker host's cgroup namespace
'private': Run the container in its own private cgroup namespace
'':        Use the cgroup namespace as configured by the
           default-cgroupns-mode option on the daemon (default)`;

/** CONTAINER_FLAGS are the container configuration flags run and create share (docker's addFlags). */
export const CONTAINER_FLAGS = [
  { name: 'add-host', type: 'list', usage: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'annotation', type: 'list', usage: 'Add an annotation to the container (passed through to the OCI runtime) (default map[])' },
  { name: 'attach', short: 'a', type: 'list', usage: 'Attach to STDIN, STDOUT or STDERR' },
  { name: 'blkio-weight', type: 'string', usage: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)' },
  { name: 'blkio-weight-device', type: 'list', usage: 'Block IO weight (relative device weight) (default [])' },
  { name: 'cap-add', type: 'list', usage: 'Add Linux capabilities' },
  { name: 'cap-drop', type: 'list', usage: 'Drop Linux capabilities' },
  { name: 'cgroup-parent', type: 'string', usage: 'Optional parent cgroup for the container' },
  { name: 'cgroupns', type: 'string', usage: CGROUPNS_USAGE },
  { name: 'cidfile', type: 'string', usage: 'Write the container ID to the file' },
  { name: 'cpu-count', type: 'int', usage: 'CPU count (Windows only)' },
  { name: 'cpu-percent', type: 'int', usage: 'CPU percent (Windows only)' },
  { name: 'cpu-period', type: 'int', usage: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { name: 'cpu-quota', type: 'int', usage: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { name: 'cpu-rt-period', type: 'int', usage: 'Limit CPU real-time period in microseconds' },
  { name: 'cpu-rt-runtime', type: 'int', usage: 'Limit CPU real-time runtime in microseconds' },
  { name: 'cpu-shares', short: 'c', type: 'int', usage: 'CPU shares (relative weight)' },
  { name: 'cpus', type: 'string', usage: 'Number of CPUs' },
  { name: 'cpuset-cpus', type: 'string', usage: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'cpuset-mems', type: 'string', usage: 'MEMs in which to allow execution (0-3, 0,1)' },
  { name: 'device', type: 'list', usage: 'Add a host device to the container' },
  { name: 'device-cgroup-rule', type: 'list', usage: 'Add a rule to the cgroup allowed devices list' },
  { name: 'device-read-bps', type: 'list', usage: 'Limit read rate (bytes per second) from a device (default [])' },
  { name: 'device-read-iops', type: 'list', usage: 'Limit read rate (IO per second) from a device (default [])' },
  { name: 'device-write-bps', type: 'list', usage: 'Limit write rate (bytes per second) to a device (default [])' },
  { name: 'device-write-iops', type: 'list', usage: 'Limit write rate (IO per second) to a device (default [])' },
  { name: 'dns', type: 'list', usage: 'Set custom DNS servers' },
  { name: 'dns-opt', type: 'list', usage: 'Set DNS options', hidden: true },
  { name: 'dns-option', type: 'list', usage: 'Set DNS options' },
  { name: 'dns-search', type: 'list', usage: 'Set custom DNS search domains' },
  { name: 'domainname', type: 'string', usage: 'Container NIS domain name' },
  { name: 'entrypoint', type: 'string', usage: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables' },
  { name: 'env-file', type: 'list', usage: 'Read in a file of environment variables' },
  { name: 'expose', type: 'list', usage: 'Expose a port or a range of ports' },
  { name: 'gpus', type: 'string', usage: "GPU devices to add to the container ('all' to pass all GPUs)" },
  { name: 'group-add', type: 'list', usage: 'Add additional groups to join' },
  { name: 'health-cmd', type: 'string', usage: 'Command to run to check health' },
  { name: 'health-interval', type: 'string', usage: 'Time between running the check (ms|s|m|h) (default 0s)' },
  { name: 'health-retries', type: 'int', usage: 'Consecutive failures needed to report unhealthy' },
  { name: 'health-start-interval', type: 'string', usage: 'Time between running the check during the start period (ms|s|m|h) (default 0s)' },
  { name: 'health-start-period', type: 'string', usage: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' },
  { name: 'health-timeout', type: 'string', usage: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' },
  { name: 'hostname', short: 'h', type: 'string', usage: 'Container host name' },
  { name: 'init', type: 'bool', usage: 'Run an init inside the container that forwards signals and reaps processes' },
  { name: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached' },
  { name: 'io-maxbandwidth', type: 'string', usage: 'Maximum IO bandwidth limit for the system drive (Windows only)' },
  { name: 'io-maxiops', type: 'string', usage: 'Maximum IOps limit for the system drive (Windows only)' },
  { name: 'ip', type: 'string', usage: 'IPv4 address (e.g., 172.30.100.104)' },
  { name: 'ip6', type: 'string', usage: 'IPv6 address (e.g., 2001:db8::33)' },
  { name: 'ipc', type: 'string', usage: 'IPC mode to use' },
  { name: 'isolation', type: 'string', usage: 'Container isolation technology' },
  { name: 'kernel-memory', type: 'string', usage: 'Kernel memory limit' },
  { name: 'label', short: 'l', type: 'list', usage: 'Set meta data on a container' },
  { name: 'label-file', type: 'list', usage: 'Read in a line delimited file of labels' },
  { name: 'link', type: 'list', usage: 'Add link to another container' },
  { name: 'link-local-ip', type: 'list', usage: 'Container IPv4/IPv6 link-local addresses' },
  { name: 'log-driver', type: 'string', usage: 'Logging driver for the container' },
  { name: 'log-opt', type: 'list', usage: 'Log driver options' },
  { name: 'mac-address', type: 'string', usage: 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' },
  { name: 'memory', short: 'm', type: 'string', usage: 'Memory limit' },
  { name: 'memory-reservation', type: 'string', usage: 'Memory soft limit' },
  { name: 'memory-swap', type: 'string', usage: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
  { name: 'memory-swappiness', type: 'int', usage: 'Tune container memory swappiness (0 to 100)', default: -1 },
  { name: 'mount', type: 'list', usage: 'Attach a filesystem mount to the container' },
  { name: 'net', type: 'list', usage: 'Connect a container to a network', hidden: true },
  { name: 'net-alias', type: 'list', usage: 'Add network-scoped alias for the container', hidden: true },
  { name: 'network', type: 'list', usage: 'Connect a container to a network' },
  { name: 'network-alias', type: 'list', usage: 'Add network-scoped alias for the container' },
  { name: 'no-healthcheck', type: 'bool', usage: 'Disable any container-specified HEALTHCHECK' },
  { name: 'oom-kill-disable', type: 'bool', usage: 'Disable OOM Killer' },
  { name: 'oom-score-adj', type: 'int', usage: "Tune host's OOM preferences (-1000 to 1000)" },
  { name: 'pid', type: 'string', usage: 'PID namespace to use' },
  { name: 'pids-limit', type: 'int', usage: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'privileged', type: 'bool', usage: 'Give extended privileges to this container' },
  { name: 'publish', short: 'p', type: 'list', usage: "Publish a container's port(s) to the host" },
  { name: 'publish-all', short: 'P', type: 'bool', usage: 'Publish all exposed ports to random ports' },
  { name: 'read-only', type: 'bool', usage: "Mount the container's root filesystem as read only" },
  { name: 'restart', type: 'string', usage: 'Restart policy to apply when a container exits', default: 'no' },
  { name: 'rm', type: 'bool', usage: 'Automatically remove the container and its associated anonymous volumes when it exits' },
  { name: 'runtime', type: 'string', usage: 'Runtime to use for this container' },
  { name: 'security-opt', type: 'list', usage: 'Security Options' },
  { name: 'shm-size', type: 'string', usage: 'Size of /dev/shm' },
  { name: 'stop-signal', type: 'string', usage: 'Signal to stop the container' },
  { name: 'stop-timeout', type: 'int', usage: 'Timeout (in seconds) to stop a container' },
  { name: 'storage-opt', type: 'list', usage: 'Storage driver options for the container' },
  { name: 'sysctl', type: 'list', usage: 'Sysctl options (default map[])' },
  { name: 'tmpfs', type: 'list', usage: 'Mount a tmpfs directory' },
  { name: 'tty', short: 't', type: 'bool', usage: 'Allocate a pseudo-TTY' },
  { name: 'ulimit', type: 'list', usage: 'Ulimit options (default [])' },
  { name: 'user', short: 'u', type: 'string', usage: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'userns', type: 'string', usage: 'User namespace to use' },
  { name: 'uts', type: 'string', usage: 'UTS namespace to use' },
  { name: 'volume', short: 'v', type: 'list', usage: 'Bind mount a volume' },
  { name: 'volume-driver', type: 'string', usage: 'Optional volume driver for the container' },
  { name: 'volumes-from', type: 'list', usage: 'Mount volumes from the specified container(s)' },
  { name: 'workdir', short: 'w', type: 'string', usage: 'Working directory inside the container' },
] as const satisfies readonly FlagSpec[];

/** CREATE_OPTION_FLAGS are the flags of both commands that are not container configuration (docker's createOptions). */
export const CREATE_OPTION_FLAGS = [
  { name: 'disable-content-trust', type: 'bool', usage: 'Skip image verification', default: true },
  { name: 'name', type: 'string', usage: 'Assign a name to the container' },
  { name: 'platform', type: 'string', usage: 'Set platform if server is multi-platform capable' },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the pull output' },
  { name: 'use-api-socket', type: 'bool', usage: 'Bind mount Docker API socket and required auth' },
] as const satisfies readonly FlagSpec[];

/** RUN_ONLY_FLAGS are the flags only `run` has. */
export const RUN_ONLY_FLAGS = [
  { name: 'detach', short: 'd', type: 'bool', usage: 'Run container in background and print container ID' },
  { name: 'detach-keys', type: 'string', usage: 'Override the key sequence for detaching a container' },
  { name: 'pull', type: 'string', usage: 'Pull image before running ("always", "missing", "never")', default: 'missing' },
  { name: 'sig-proxy', type: 'bool', usage: 'Proxy received signals to the process', default: true },
] as const satisfies readonly FlagSpec[];

/** RUN_FLAGS is the flag table of `wharf run`. */
export const RUN_FLAGS = [...RUN_ONLY_FLAGS, ...CREATE_OPTION_FLAGS, ...CONTAINER_FLAGS] as const;

/** CREATE_FLAGS is the flag table of `wharf create`. */
export const CREATE_FLAGS = [
  // compat: docker's own help text for create's --pull has the stray "|".
  { name: 'pull', type: 'string', usage: 'Pull image before creating ("always", "|missing", "never")', default: 'missing' },
  ...CREATE_OPTION_FLAGS,
  ...CONTAINER_FLAGS,
] as const;
