import { describe, expect, it } from 'vitest';
import { createHostAllowlist, defaultAllowedHosts, isLoopbackAddress, parseHostPattern } from './host-allowlist.js';

describe('createHostAllowlist', () => {
  it('answers the loopback names on any port, and nothing else, by default on loopback', () => {
    const allowed = createHostAllowlist(defaultAllowedHosts('127.0.0.1'));
    for (const host of ['localhost', 'localhost:5000', 'LOCALHOST:5000', '127.0.0.1:5000', '127.0.0.1', '[::1]:5000', '[::1]', 'localhost.:5000']) {
      expect(allowed(host), host).toBe(true);
    }
    for (const host of [
      'evil.example',
      'evil.example:5000',
      'localhost.evil.example:5000',
      '127.0.0.1.evil.example',
      '10.0.0.5:5000',
      '',
      ' ',
      'localhost:5000:1',
      '[::1',
    ]) {
      expect(allowed(host), host).toBe(false);
    }
  });

  it('matches names with * wildcards, exact ports, and "name:*" (MLflow spelling) as any port', () => {
    const allowed = createHostAllowlist(['loupe.example.com', '*.corp.example', 'build.internal:8080', 'ci.internal:*']);
    expect(allowed('loupe.example.com:443')).toBe(true);
    expect(allowed('loupe.example.com')).toBe(true);
    expect(allowed('a.corp.example:5000')).toBe(true);
    expect(allowed('corp.example:5000')).toBe(false);
    expect(allowed('build.internal:8080')).toBe(true);
    expect(allowed('build.internal:8081')).toBe(false);
    expect(allowed('build.internal')).toBe(false);
    expect(allowed('ci.internal:1')).toBe(true);
    expect(allowed('loupe.example.com.evil.example')).toBe(false);
  });

  it('matches address ranges against IP addresses only: 10.0.0.0/8 does not admit a name such as 10.evil.example', () => {
    const allowed = createHostAllowlist(['10.0.0.0/8', '192.168.0.0/16', 'fc00::/7']);
    expect(allowed('10.1.2.3:5000')).toBe(true);
    expect(allowed('192.168.1.20')).toBe(true);
    expect(allowed('[fd12::1]:5000')).toBe(true);
    // MLflow's default patterns (`10.*`, `192.168.*`) are globs, which these names would match.
    expect(allowed('10.evil.example:5000')).toBe(false);
    expect(allowed('192.168.evil.example')).toBe(false);
    expect(allowed('11.0.0.1')).toBe(false);
    expect(allowed('[fe80::1]')).toBe(false);
  });

  it("answers any host for '*'", () => {
    expect(createHostAllowlist(['*'])('evil.example:5000')).toBe(true);
  });
});

describe('parseHostPattern', () => {
  it('says what is wrong with an entry that is not one', () => {
    expect(parseHostPattern('fd00::1')).toMatch(/brackets/);
    expect(parseHostPattern('loupe.example.com:http')).toMatch(/bad port/);
    expect(parseHostPattern('loupe example')).toMatch(/not a host name/);
    expect(parseHostPattern('10.0.0.0/33')).toMatch(/bad prefix length/);
    expect(parseHostPattern('evil/8')).toMatch(/not an address range/);
    expect(parseHostPattern('[zz]')).toMatch(/bracketed IPv6/);
    expect(typeof parseHostPattern('[::1]:*')).toBe('object');
  });
});

describe('defaultAllowedHosts', () => {
  it('is the loopback names when bound to loopback', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]']) {
      expect(isLoopbackAddress(host), host).toBe(true);
      expect(defaultAllowedHosts(host), host).toEqual(['localhost', '127.0.0.1', '[::1]']);
    }
    expect(defaultAllowedHosts('127.0.0.2')).toEqual(['localhost', '127.0.0.1', '[::1]', '127.0.0.2']);
  });

  it("adds MLflow's private ranges when bound elsewhere, and the bound address or name itself", () => {
    const privateDefault = ['localhost', '127.0.0.1', '[::1]', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
    expect(defaultAllowedHosts('0.0.0.0')).toEqual(privateDefault);
    expect(defaultAllowedHosts('::')).toEqual(privateDefault);
    expect(defaultAllowedHosts('192.168.1.20')).toEqual(privateDefault);
    expect(defaultAllowedHosts('203.0.113.7')).toEqual([...privateDefault, '203.0.113.7']);
    expect(defaultAllowedHosts('2001:db8::1')).toEqual([...privateDefault, '[2001:db8::1]']);
    expect(defaultAllowedHosts('loupe.internal')).toEqual([...privateDefault, 'loupe.internal']);
  });
});
