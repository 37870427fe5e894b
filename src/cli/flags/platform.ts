import { invalidArgument } from '../../common/errors.js';

const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  i386: '386',
  i686: '386',
  armhf: 'arm',
  armel: 'arm',
};

/**
 * platformParam turns `os[/arch[/variant]]` (docker's --platform) into the JSON-encoded OCI platform the API takes
 * (`{"architecture":"arm64","os":"linux"}`), normalising common architecture aliases as containerd does.
 */
export function platformParam(value: string): string | undefined {
  if (value === '') return undefined;
  const parts = value.toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw invalidArgument('WHARF_INVALID_PLATFORM', `invalid platform: "${value}": expected os[/arch[/variant]]`);
  }
  const [os = '', arch, variant] = parts;
  // Field order of ocispec.Platform, as docker's client encodes it.
  const p: Record<string, string> = {};
  if (arch !== undefined) p.architecture = ARCH_ALIASES[arch] ?? arch;
  p.os = os;
  if (variant !== undefined) p.variant = variant;
  return JSON.stringify(p);
}
