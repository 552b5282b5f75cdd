import { expect, it } from 'vitest';
import { isPublicAddress } from './public-address.js';
import { systemResolver } from './system-resolver.js';

it('tells public addresses from private, loopback, link-local and special ones, IPv4 and IPv6', () => {
  for (const a of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e'])
    expect([a, isPublicAddress(a)]).toEqual([a, true]);
  for (const a of [
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '198.18.0.1',
    '224.0.0.251',
    '255.255.255.255',
    '::1',
    '[::1]',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:7f00:1',
    'fd00::1',
    'fc00::abcd',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '2001:db8::1',
    '64:ff9b::a9fe:a9fe',
    'localhost',
    'not-an-ip',
  ])
    expect([a, isPublicAddress(a)]).toEqual([a, false]);
});

it("resolves names through the system's resolver", async () => {
  const answers = await systemResolver('localhost');
  expect(answers.length).toBeGreaterThan(0);
  expect(answers.every((a) => !isPublicAddress(a.address))).toBe(true);
});
