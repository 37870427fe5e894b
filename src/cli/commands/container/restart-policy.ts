/** RestartPolicy is the wire form of a restart policy (docker's container.RestartPolicy). */
export interface RestartPolicy {
  Name: string;
  MaximumRetryCount: number;
}

/**
 * parseRestartPolicy is docker's opts.ParseRestartPolicy: `name[:count]`. The name is not checked here (the daemon
 * does); an empty value gives the empty policy, which `update` sends to mean "unchanged". Errors carry docker's
 * wording.
 */
export function parseRestartPolicy(value: string): RestartPolicy {
  if (value === '') return { Name: '', MaximumRetryCount: 0 };
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  const count = colon < 0 ? '' : value.slice(colon + 1);
  if (colon >= 0 && name === '') throw new Error('invalid restart policy format: no policy provided before colon');
  let max = 0;
  if (count !== '') {
    // strconv.Atoi: an optional sign and decimal digits, within int64.
    if (!/^[+-]?\d+$/.test(count) || !Number.isSafeInteger(Number(count))) {
      throw new Error('invalid restart policy format: maximum retry count must be an integer');
    }
    max = Number(count);
  }
  return { Name: name, MaximumRetryCount: max };
}
