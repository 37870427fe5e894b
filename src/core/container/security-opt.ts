import { parseSeccompProfile } from '../oci/seccomp-profile.js';
import type { SeccompChoice } from './container-spec.js';
import { invalidConfig } from './wire-reader.js';

/** SecurityOptions are the parsed `--security-opt` values. */
export interface SecurityOptions {
  readonly noNewPrivileges: boolean;
  readonly seccomp: SeccompChoice;
  readonly writableCgroups?: boolean;
}

// Go's strconv.ParseBool, failing with Docker's message for the whole option.
function parseBool(v: string, opt: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw invalidConfig(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
}

/**
 * parseSecurityOpt reads HostConfig.SecurityOpt as moby's parseSecurityOpt, with Docker's error texts
 * (`invalid --security-opt 1: "x"` for a value without a separator, `... 2: ...` for an unknown key or bad bool):
 * no-new-privileges[=bool], writable-cgroups[=bool], seccomp=unconfined|builtin|<profile JSON> (the docker CLI
 * sends the file's content; it is parsed here so a bad profile fails at create, not at start). SELinux label=...
 * and apparmor=... have no effect on this host: they are accepted with a warning, as Docker does where the LSM is off.
 */
export function parseSecurityOpt(opts: readonly string[], warnings: string[]): SecurityOptions {
  let noNewPrivileges = false;
  let writableCgroups: boolean | undefined;
  let seccomp: SeccompChoice = { kind: 'default' };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') {
      noNewPrivileges = true;
      continue;
    }
    if (opt === 'writable-cgroups') {
      writableCgroups = true;
      continue;
    }
    if (opt === 'disable') {
      warnings.push('SELinux is not enabled on this host: security option "label=disable" has no effect');
      continue;
    }
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : undefined;
    if (sep === undefined) throw invalidConfig(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    if (sep === ':') {
      warnings.push('Security options with `:` as a separator are deprecated and will be completely unsupported in 17.04, use `=` instead.');
    }
    const i = opt.indexOf(sep);
    const key = opt.slice(0, i);
    const value = opt.slice(i + 1);
    switch (key) {
      case 'label':
        warnings.push(`SELinux is not enabled on this host: security option "label=${value}" has no effect`);
        break;
      case 'apparmor':
        warnings.push(`AppArmor is not used by wharf: security option "apparmor=${value}" has no effect`);
        break;
      case 'seccomp':
        seccomp = seccompChoice(value);
        break;
      case 'no-new-privileges':
        noNewPrivileges = parseBool(value, opt);
        break;
      case 'writable-cgroups':
        writableCgroups = parseBool(value, opt);
        break;
      default:
        throw invalidConfig(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  return { noNewPrivileges, seccomp, ...(writableCgroups !== undefined ? { writableCgroups } : {}) };
}

function seccompChoice(value: string): SeccompChoice {
  if (value === 'unconfined') return { kind: 'unconfined' };
  if (value === 'builtin' || value === '') return { kind: 'default' };
  parseSeccompProfile(value);
  return { kind: 'custom', profile: value };
}
