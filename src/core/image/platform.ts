import { invalidArgument } from '../../common/errors.js';

/** PlatformSpec is an OCI platform: operating system, CPU architecture and optional variant. */
export interface PlatformSpec {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const NODE_ARCH: Readonly<Record<string, PlatformSpec>> = {
  x64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  arm: { os: 'linux', architecture: 'arm', variant: 'v7' },
  ia32: { os: 'linux', architecture: '386' },
  ppc64: { os: 'linux', architecture: 'ppc64le' },
  s390x: { os: 'linux', architecture: 's390x' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
  loong64: { os: 'linux', architecture: 'loong64' },
  mips: { os: 'linux', architecture: 'mips' },
  mipsel: { os: 'linux', architecture: 'mipsle' },
};

/**
 * hostPlatform is the platform of this machine as containerd's platforms.DefaultSpec names it (so `arm64` carries
 * variant `v8`, as Docker writes into images it imports on such hosts).
 */
export function hostPlatform(): PlatformSpec {
  return NODE_ARCH[process.arch] ?? { os: 'linux', architecture: process.arch };
}

const KNOWN_OS = new Set(['linux', 'windows', 'darwin', 'freebsd', 'netbsd', 'openbsd', 'solaris', 'illumos', 'aix', 'android', 'ios', 'plan9', 'js', 'wasip1', 'dragonfly']);

// compat: containerd platforms.normalizeArch.
function normalizeArch(arch: string, variant: string | undefined): { architecture: string; variant?: string } {
  const a = arch.toLowerCase();
  const v = variant?.toLowerCase();
  const withVariant = (architecture: string, vv: string | undefined): { architecture: string; variant?: string } =>
    vv === undefined || vv === '' ? { architecture } : { architecture, variant: vv };
  switch (a) {
    case 'i386':
    case 'x86':
      return withVariant('386', v);
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return withVariant('amd64', v === 'v1' ? undefined : v);
    case 'aarch64':
    case 'arm64':
      return withVariant('arm64', v === '8' || v === 'v8' || v === 'v8.0' ? undefined : v);
    case 'armhf':
      return { architecture: 'arm', variant: 'v7' };
    case 'armel':
      return { architecture: 'arm', variant: 'v6' };
    case 'arm':
      return { architecture: 'arm', variant: v === undefined || v === '' || v === '7' ? 'v7' : /^\d+$/.test(v) ? `v${v}` : v };
    default:
      return withVariant(a, v);
  }
}

/**
 * parsePlatform parses a platform specifier as containerd's platforms.Parse does: `os`, `arch`, `os/arch` or
 * `os/arch/variant`, normalising architecture aliases (x86_64, aarch64, armhf...). A lone architecture gets the
 * host OS. Fails with InvalidArgument (WHARF_INVALID_PLATFORM) on anything else.
 */
export function parsePlatform(specifier: string): PlatformSpec {
  const bad = (): never => {
    throw invalidArgument('WHARF_INVALID_PLATFORM', `"${specifier}": unknown operating system or architecture: invalid argument`);
  };
  const parts = specifier.split('/');
  if (specifier === '' || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p))) bad();
  const [first = '', second, third] = parts;
  if (parts.length === 1) {
    const host = hostPlatform();
    if (KNOWN_OS.has(first.toLowerCase())) return { ...host, os: first.toLowerCase() };
    return { os: host.os, ...normalizeArch(first, undefined) };
  }
  const os = first.toLowerCase();
  if (!KNOWN_OS.has(os)) bad();
  return { os, ...normalizeArch(second ?? '', third) };
}

/** checkOs fails unless images of this OS can run here (Linux only), in Docker's words (image.CheckOS). */
export function checkOs(os: string): void {
  if (os !== '' && os !== 'linux') {
    throw invalidArgument('WHARF_UNSUPPORTED_PLATFORM', `image operating system "${os}" cannot be used on this platform`);
  }
}

/** platformMatches tells whether an image platform runs on the wanted one (an absent variant matches any). */
export function platformMatches(have: { os: string; architecture: string; variant?: string }, want: PlatformSpec): boolean {
  const h = { os: have.os, ...normalizeArch(have.architecture, have.variant) };
  const w = { os: want.os, ...normalizeArch(want.architecture, want.variant) };
  return h.os === w.os && h.architecture === w.architecture && (h.variant === undefined || w.variant === undefined || h.variant === w.variant);
}
