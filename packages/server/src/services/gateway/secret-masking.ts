/**
 * A secret value as it may be shown (MLflow's `_mask_secret_value`): values under 8 characters show
 * nothing (`***`); longer ones their first 3 characters (4 for GitHub's `ghp_`, `gho_`, `ghu_`
 * prefixes), `...`, and their last 4, enough to tell keys apart and never enough to use one.
 *
 * @example
 * maskSecretValue('sk-proj-abcdefghijkl1234'); // 'sk-...1234'
 */
export function maskSecretValue(value: string): string {
  if (value.length < 8) return '***';
  const prefixLength = /^gh[pou]_/.test(value) ? 4 : 3;
  return `${value.slice(0, prefixLength)}...${value.slice(-4)}`;
}

/**
 * Each value of a secret map masked under its key (`masked_values` of `GatewaySecretInfo`).
 *
 * @example
 * maskSecretValues({ api_key: 'sk-abcdefgh1234' }); // { api_key: 'sk-...1234' }
 */
export function maskSecretValues(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, maskSecretValue(value)]));
}
