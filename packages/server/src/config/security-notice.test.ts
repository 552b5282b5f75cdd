import { describe, expect, it } from 'vitest';
import { resolveServerConfig } from './config.js';
import { securityNotice } from './security-notice.js';

describe('securityNotice', () => {
  it('on loopback: the allowed hosts and the flag that changes them, no warning', () => {
    expect(securityNotice(resolveServerConfig({}, {}), 5000)).toEqual([
      'Allowed hosts: localhost, 127.0.0.1, [::1] (any port unless one is given).',
      'Change with --allowed-hosts (or LOUPE_ALLOWED_HOSTS).',
    ]);
  });

  it('bound elsewhere: no authentication, who can reach it, exactly which hosts are answered and how to add a name', () => {
    const lines = securityNotice(resolveServerConfig({ host: '0.0.0.0' }, {}), 8080);
    expect(lines[0]).toMatch(/^WARNING: authentication is off\. Listening on 0\.0\.0\.0, Loupe lets anyone who can reach port 8080 read and change/);
    expect(lines[1]).toBe('Allowed hosts: localhost, 127.0.0.1, [::1], 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7 (any port unless one is given).');
    expect(lines[2]).toContain("--allowed-hosts 'loupe.example.com,localhost,127.0.0.1,[::1],10.0.0.0/8,");
  });

  it("says when a check is off: '*' hosts, the middleware disabled; lists extra origins", () => {
    expect(securityNotice(resolveServerConfig({ allowedHosts: ['*'] }, {}), 5000)).toEqual([
      "Allowed hosts: any (--allowed-hosts '*'): DNS rebinding protection is off.",
    ]);
    expect(securityNotice(resolveServerConfig({ disableSecurityMiddleware: true }, {}), 5000)).toEqual([
      expect.stringMatching(/^WARNING: --disable-security-middleware/),
    ]);
    expect(securityNotice(resolveServerConfig({ corsAllowedOrigins: ['https://app.example.com'] }, {}), 5000)).toContain(
      'Cross-origin web pages allowed: https://app.example.com.',
    );
  });

  it('with --app-name basic-auth: says auth is on instead of warning', () => {
    const lines = securityNotice(resolveServerConfig({ host: '0.0.0.0', appName: 'basic-auth' }, {}), 8080);
    expect(lines[0]).toMatch(/^Authentication: on/);
    expect(lines.join('\n')).not.toMatch(/WARNING/);
  });
});
