import { ApiError } from '@loupe/protocol';
import { isIP } from 'node:net';
import { isPublicAddress, type HostResolver } from '../../net/public-address.js';

/** What URLs webhooks may use. */
export interface WebhookUrlRules {
  allowedSchemes: readonly string[];
  allowPrivateIps: boolean;
}

/**
 * Checks a webhook URL when it is created or changed, with MLflow's messages (`_validate_webhook_url`,
 * spec §11.3): not blank, a scheme from the allowed list (https by default), a host, and, unless
 * private addresses are allowed, a host whose every address is public. Deliveries check the
 * addresses again when they connect (DNS can change).
 *
 * @example
 * await new WebhookUrlPolicy({ allowedSchemes: ['https'], allowPrivateIps: false }, systemResolver).check('https://hooks.example.com/x');
 */
export class WebhookUrlPolicy {
  constructor(
    private readonly rules: WebhookUrlRules,
    private readonly resolve: HostResolver,
  ) {}

  async check(url: string): Promise<void> {
    if (url.trim() === '') throw ApiError.invalid(`Webhook URL cannot be empty or just whitespace: '${url}'`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (err) {
      throw ApiError.invalid(`Invalid webhook URL '${url}': ${(err as Error).message}`);
    }
    const scheme = parsed.protocol.replace(/:$/, '');
    if (!this.rules.allowedSchemes.includes(scheme)) {
      throw ApiError.invalid(`Invalid webhook URL scheme: '${scheme}'. Allowed schemes are: ${this.rules.allowedSchemes.join(', ')}.`);
    }
    const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
    if (host === '') throw ApiError.invalid(`Invalid webhook URL '${url}': it has no host.`);
    if (this.rules.allowPrivateIps) return;
    let addresses: string[];
    if (isIP(host) !== 0) {
      addresses = [host];
    } else {
      try {
        addresses = (await this.resolve(host)).map((a) => a.address);
      } catch (err) {
        throw ApiError.invalid(
          `Invalid webhook URL '${url}': its host '${host}' does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
        );
      }
    }
    const bad = addresses.find((a) => !isPublicAddress(a));
    if (bad !== undefined || addresses.length === 0) {
      throw ApiError.invalid(
        `Invalid webhook URL '${url}': its host '${host}' resolves to ${bad ?? 'no address'}, which is not a public address. ` +
          'Set MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true (or start Loupe with --webhook-allow-private-ips) to allow private addresses.',
      );
    }
  }
}
