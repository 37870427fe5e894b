import { invalidConfig } from './wire-reader.js';

/**
 * KNOWN_CAPABILITIES lists every Linux capability by number (index = capability number), as containerd's
 * pkg/cap capsLatest does (Linux 5.9+: up to CAP_CHECKPOINT_RESTORE = 40).
 */
export const KNOWN_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** DEFAULT_CAPABILITIES are Docker's 14 default capabilities (moby oci/caps DefaultCapabilities), in Docker's order. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/**
 * normalizeCapabilities turns `--cap-add`/`--cap-drop` values into "CAP_X" names (any case, with or without the
 * CAP_ prefix; "ALL" stays "ALL"), as moby's NormalizeLegacyCapabilities. `available` is the set the daemon holds
 * (its bounding set); a known capability outside it is refused with Docker's "not supported by your kernel" error.
 * `what` is "CapAdd" or "CapDrop" for the message ("invalid CapAdd: unknown capability: \"CAP_FOO\"").
 */
export function normalizeCapabilities(caps: readonly string[], what: string, available: readonly string[]): string[] {
  return caps.map((raw) => {
    let c = raw.toUpperCase();
    if (c === 'ALL') return c;
    if (!c.startsWith('CAP_')) c = `CAP_${c}`;
    if (!KNOWN_CAPABILITIES.includes(c)) throw invalidConfig(`invalid ${what}: unknown capability: "${c}"`);
    if (!available.includes(c)) {
      throw invalidConfig(
        `invalid ${what}: capability not supported by your kernel or not available in the current environment: "${c}"`,
      );
    }
    return c;
  });
}

/**
 * effectiveCapabilities computes a container's capability set from normalised add/drop lists, exactly as moby's
 * TweakCapabilities: privileged = everything the daemon holds; add ALL = everything minus drops; drop ALL = only
 * the adds; otherwise the defaults minus drops plus adds.
 */
export function effectiveCapabilities(
  adds: readonly string[],
  drops: readonly string[],
  privileged: boolean,
  available: readonly string[],
): string[] {
  if (privileged) return [...available];
  if (adds.length === 0 && drops.length === 0) return [...DEFAULT_CAPABILITIES];
  let caps: string[];
  if (adds.includes('ALL')) caps = available.filter((c) => !drops.includes(c));
  else if (drops.includes('ALL')) caps = adds.filter((c) => c !== 'ALL');
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  return [...new Set(caps)];
}

/** capabilityMask is the kernel's bit mask of a capability list (what /proc/<pid>/status shows as CapEff). */
export function capabilityMask(caps: readonly string[]): bigint {
  let mask = 0n;
  for (const c of caps) {
    const bit = KNOWN_CAPABILITIES.indexOf(c);
    if (bit >= 0) mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** capabilitiesFromMask lists the known capabilities in a mask, e.g. the hex CapBnd of /proc/self/status. */
export function capabilitiesFromMask(mask: bigint | string): string[] {
  const m = typeof mask === 'string' ? BigInt(`0x${mask.replace(/^0x/i, '')}`) : mask;
  return KNOWN_CAPABILITIES.filter((_, bit) => (m & (1n << BigInt(bit))) !== 0n);
}
