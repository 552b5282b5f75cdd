import fs from 'node:fs';
import { pricingOptionsFromJson, type PricingOptions } from '@loupe/protocol/pricing';
import { ConfigError } from './config.js';

/**
 * The price catalog options the `pricing` setting names: the built-in catalog (unset), a JSON
 * price file merged over it (`{"models": {"<model>": {"input": 2.5, "output": 10}}, "replaceDefaults"?: true}`,
 * USD per million tokens, the shape of `@loupe/protocol`'s model-prices.json), or false (no
 * server-side cost). A file that cannot be read stops the server with a message naming it.
 *
 * @example
 * const catalog = pricingFromSetting(config.pricing); // {} for the defaults
 */
export function pricingFromSetting(setting: string | false | undefined): PricingOptions | false {
  if (setting === false) return false;
  if (setting === undefined) return {};
  let options: PricingOptions | string;
  try {
    options = pricingOptionsFromJson(JSON.parse(fs.readFileSync(setting, 'utf8')) as unknown);
  } catch (err) {
    throw new ConfigError(`--pricing: cannot read the price file '${setting}' (${(err as Error).message})`);
  }
  if (typeof options === 'string') throw new ConfigError(`--pricing: the price file '${setting}' is not a price file: ${options}`);
  return options;
}
