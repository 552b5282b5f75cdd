import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../config/config.js';
import { startServer } from '../main.js';
import { createSqliteDatabase } from '../testing/backends.js';
import { TEST_SCRYPT } from './auth/auth-fixtures.js';
import { TrustedProxies, trustedProxyProblem } from './client-address.js';

describe('TrustedProxies', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '192.0.2.7', 'fd00::/8']);

  it('takes the client from X-Forwarded-For only when the peer is a trusted proxy, right to left past the trusted hops', () => {
    expect(proxies.clientAddress('10.1.2.3', '203.0.113.9')).toBe('203.0.113.9');
    expect(proxies.clientAddress('::ffff:10.1.2.3', '203.0.113.9, 192.0.2.7')).toBe('203.0.113.9');
    // What the client wrote itself sits left of the address the proxy appended: never believed.
    expect(proxies.clientAddress('10.1.2.3', '1.1.1.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(proxies.clientAddress('fd00::1', '[2001:db8::5]')).toBe('2001:db8::5');
    // Not a proxy of ours: the header is the client's own claim.
    expect(proxies.clientAddress('198.51.100.4', '203.0.113.9')).toBe('198.51.100.4');
    expect(proxies.clientAddress('10.1.2.3', undefined)).toBe('10.1.2.3');
    // Garbage written by no proxy of ours, or only proxies: the last word is the peer's, or the first hop's.
    expect(proxies.clientAddress('10.1.2.3', 'unknown')).toBe('10.1.2.3');
    expect(proxies.clientAddress('10.1.2.3', '10.9.9.9, 192.0.2.7')).toBe('10.9.9.9');
    expect(new TrustedProxies([]).clientAddress('10.1.2.3', '203.0.113.9')).toBe('10.1.2.3');
  });

  it('names the entries that are not addresses or ranges', () => {
    expect(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8'].map(trustedProxyProblem)).toEqual([null, null, null, null]);
    expect(trustedProxyProblem('10.0.0.0/33')).toMatch(/not an IP address or CIDR range/);
    expect(trustedProxyProblem('lb.internal')).toMatch(/'lb.internal'/);
    expect(resolveServerConfig({}, { LOUPE_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' }).trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });
});

describe('the login throttle behind a trusted load balancer, over real sockets', () => {
  it('counts failures per forwarded client address, not per balancer', async () => {
    const database = await createSqliteDatabase();
    const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-proxies-'));
    const config = resolveServerConfig(
      {
        port: 0,
        backendStoreUri: database.uri,
        artifactsDestination: artifacts,
        otlpDecodeThreads: 0,
        appName: 'basic-auth',
        authAdminPassword: 'admin-password-1',
        trustedProxies: ['127.0.0.1'],
      },
      {},
    );
    const server = await startServer(config, { scryptCost: TEST_SCRYPT });
    const attempt = (client: string, username: string) =>
      fetch(`${server.url}/api/2.0/mlflow/experiments/search?max_results=1`, {
        headers: { authorization: `Basic ${Buffer.from(`${username}:wrong-password`).toString('base64')}`, 'x-forwarded-for': client },
      }).then((res) => res.status);
    try {
      // 50 failures per address in the window; different usernames, so the per-username limit stays out of it.
      for (let i = 0; i < 50; i++) expect(await attempt('203.0.113.1', `user${i}`)).toBe(401);
      expect(await attempt('203.0.113.1', 'someone')).toBe(429);
      expect(await attempt('203.0.113.2', 'someone')).toBe(401);
    } finally {
      await server.close();
      await database.drop();
      fs.rmSync(artifacts, { recursive: true, force: true });
    }
  });
});
