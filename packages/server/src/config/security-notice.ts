import { isLoopbackAddress } from '../http/security/host-allowlist.js';
import type { ServerConfig } from './server-config.js';

type SecuritySettings = Pick<ServerConfig, 'host' | 'allowedHosts' | 'corsAllowedOrigins' | 'disableSecurityMiddleware'> &
  Partial<Pick<ServerConfig, 'appName'>>;

/**
 * What `loupe server` prints after it starts listening: which Host headers it answers and how to
 * change that, and, when it listens beyond loopback without `--app-name basic-auth`, that nothing
 * asks who is calling.
 *
 * @example
 * securityNotice(config, 5000).forEach((line) => process.stdout.write(`${line}\n`));
 */
export function securityNotice(config: SecuritySettings, port: number): string[] {
  const lines: string[] = [];
  if (config.appName === 'basic-auth') {
    lines.push('Authentication: on (--app-name basic-auth): HTTP Basic users and per-experiment / per-model permissions.');
  } else if (!isLoopbackAddress(config.host)) {
    lines.push(
      `WARNING: authentication is off. Listening on ${config.host}, Loupe lets anyone who can reach port ${port} read and change every experiment, run, trace and artifact. Turn it on with --app-name basic-auth (see the README), or keep the server on loopback for a single user.`,
    );
  }
  if (config.disableSecurityMiddleware) {
    lines.push('WARNING: --disable-security-middleware: any Host and any web page may read and change data (no DNS rebinding or cross-site protection).');
    return lines;
  }
  if (config.allowedHosts.includes('*')) {
    lines.push("Allowed hosts: any (--allowed-hosts '*'): DNS rebinding protection is off.");
  } else {
    lines.push(`Allowed hosts: ${config.allowedHosts.join(', ')} (any port unless one is given).`);
    if (!isLoopbackAddress(config.host)) {
      lines.push(
        `To reach the server by another name, list every name it is reached by: --allowed-hosts 'loupe.example.com,${config.allowedHosts.join(',')}' (or LOUPE_ALLOWED_HOSTS).`,
      );
    } else {
      lines.push('Change with --allowed-hosts (or LOUPE_ALLOWED_HOSTS).');
    }
  }
  if (config.corsAllowedOrigins.length > 0) lines.push(`Cross-origin web pages allowed: ${config.corsAllowedOrigins.join(', ')}.`);
  return lines;
}
