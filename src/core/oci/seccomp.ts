import { invalidArgument } from '../../common/errors.js';
import type { LinuxSeccomp, LinuxSyscall, SeccompArg } from './spec.js';

/** SeccompFilter is a Docker profile rule's includes/excludes: by capability, architecture and minimum kernel. */
export interface SeccompFilter {
  readonly caps?: readonly string[];
  readonly arches?: readonly string[];
  /** "<kernel>.<major>", e.g. "5.8". */
  readonly minKernel?: string;
}

/** SeccompRule is one entry of a Docker profile's `syscalls`. */
export interface SeccompRule {
  readonly names: readonly string[];
  readonly action: string;
  readonly errnoRet?: number;
  readonly args?: readonly SeccompArg[];
  readonly includes?: SeccompFilter;
  readonly excludes?: SeccompFilter;
}

/**
 * SeccompProfile is a seccomp profile in Docker's format (moby/profiles/seccomp; also the format of
 * /usr/share/containers/seccomp.json): the OCI fields plus archMap and conditional rules.
 */
export interface SeccompProfile {
  readonly defaultAction: string;
  readonly defaultErrnoRet?: number;
  readonly architectures?: readonly string[];
  readonly archMap?: readonly { readonly architecture: string; readonly subArchitectures: readonly string[] }[];
  readonly flags?: readonly string[];
  readonly listenerPath?: string;
  readonly listenerMetadata?: string;
  readonly syscalls: readonly SeccompRule[];
}

/** SeccompContext is what the conditional rules of a profile are decided by. */
export interface SeccompContext {
  /** libseccomp's name of the native architecture: "amd64", "arm64", "x86", "s390x", ... (see nativeSeccompArch). */
  readonly arch: string;
  /** The container's bounding capability set ("CAP_X"). */
  readonly capabilities: readonly string[];
  /** The host kernel's version, e.g. "6.1.0-18-amd64" (os.release()). */
  readonly kernelRelease: string;
}

// libseccomp arch name -> OCI arch (moby nativeToSeccomp).
const NATIVE_TO_OCI: Readonly<Record<string, string>> = {
  x86: 'SCMP_ARCH_X86', amd64: 'SCMP_ARCH_X86_64', arm: 'SCMP_ARCH_ARM', arm64: 'SCMP_ARCH_AARCH64',
  mips64: 'SCMP_ARCH_MIPS64', mips64n32: 'SCMP_ARCH_MIPS64N32', mipsel64: 'SCMP_ARCH_MIPSEL64',
  mips3l64n32: 'SCMP_ARCH_MIPSEL64N32', mipsle: 'SCMP_ARCH_MIPSEL', ppc: 'SCMP_ARCH_PPC', ppc64: 'SCMP_ARCH_PPC64',
  ppc64le: 'SCMP_ARCH_PPC64LE', riscv64: 'SCMP_ARCH_RISCV64', s390: 'SCMP_ARCH_S390', s390x: 'SCMP_ARCH_S390X',
};

/** nativeSeccompArch maps Node's os.arch() (and byte order) to libseccomp's architecture name. */
export function nativeSeccompArch(nodeArch: string, endianness: 'LE' | 'BE' = 'LE'): string {
  const map: Record<string, string> = {
    x64: 'amd64', ia32: 'x86', arm: 'arm', arm64: 'arm64', s390: 's390', s390x: 's390x', riscv64: 'riscv64',
    mips: 'mips', mipsel: 'mipsle', ppc: 'ppc', ppc64: endianness === 'LE' ? 'ppc64le' : 'ppc64',
  };
  return map[nodeArch] ?? nodeArch;
}

function kernelAtLeast(release: string, min: string): boolean {
  const [k = 0, m = 0] = release.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const [wantK = 0, wantM = 0] = min.split('.').map(Number);
  return k > wantK || (k === wantK && m >= wantM);
}

// A rule applies when no exclude matches and every include does (moby profiles/seccomp setupSeccomp).
function ruleApplies(rule: SeccompRule, ctx: SeccompContext): boolean {
  const ex = rule.excludes;
  if (ex?.arches?.includes(ctx.arch)) return false;
  if (ex?.caps?.some((c) => ctx.capabilities.includes(c))) return false;
  if (ex?.minKernel && kernelAtLeast(ctx.kernelRelease, ex.minKernel)) return false;
  const inc = rule.includes;
  if (inc?.arches && inc.arches.length > 0 && !inc.arches.includes(ctx.arch)) return false;
  if (inc?.caps && !inc.caps.every((c) => ctx.capabilities.includes(c))) return false;
  if (inc?.minKernel && !kernelAtLeast(ctx.kernelRelease, inc.minKernel)) return false;
  return true;
}

/**
 * convertSeccompProfile turns a Docker-format profile into the OCI `linux.seccomp` for one container, exactly as
 * moby's setupSeccomp: archMap contributes the native architecture and its sub-architectures, and each rule is
 * kept only if its includes match and its excludes do not (capabilities are the container's bounding set).
 * A profile with neither a default action nor rules means "no seccomp" (undefined).
 */
export function convertSeccompProfile(profile: SeccompProfile, ctx: SeccompContext): LinuxSeccomp | undefined {
  if (profile.defaultAction === '' && profile.syscalls.length === 0) return undefined;
  const architectures = [...(profile.architectures ?? [])];
  const native = NATIVE_TO_OCI[ctx.arch];
  const entry = profile.archMap?.find((a) => a.architecture === native);
  if (entry) architectures.push(entry.architecture, ...entry.subArchitectures);
  const syscalls: LinuxSyscall[] = profile.syscalls
    .filter((rule) => ruleApplies(rule, ctx))
    .map((rule) => ({
      names: [...rule.names],
      action: rule.action,
      ...(rule.errnoRet !== undefined ? { errnoRet: rule.errnoRet } : {}),
      ...(rule.args && rule.args.length > 0 ? { args: rule.args.map((a) => ({ ...a })) } : {}),
    }));
  return {
    defaultAction: profile.defaultAction,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    ...(architectures.length > 0 ? { architectures } : {}),
    ...(profile.flags && profile.flags.length > 0 ? { flags: [...profile.flags] } : {}),
    ...(profile.listenerPath ? { listenerPath: profile.listenerPath } : {}),
    ...(profile.listenerMetadata ? { listenerMetadata: profile.listenerMetadata } : {}),
    syscalls,
  };
}

/** invalidSeccompProfile is the error for a profile that does not decode, in Docker's words. */
export const invalidSeccompProfile = (why: string): Error =>
  invalidArgument('WHARF_INVALID_SECCOMP_PROFILE', `Decoding seccomp profile failed: ${why}`);
