import { describe, expect, it } from 'vitest';
import { canManageGateway } from './gateway-access';

describe('gateway access', () => {
  it('lets anyone manage with auth off, and admins only with it on', () => {
    expect(canManageGateway({ auth: 'none' })).toBe(true);
    expect(canManageGateway({ auth: 'on', username: 'root', isAdmin: true, csrfToken: 't' })).toBe(true);
    expect(canManageGateway({ auth: 'on', username: 'bob', isAdmin: false, csrfToken: 't' })).toBe(false);
    expect(canManageGateway({ auth: 'signed-out' })).toBe(false);
  });
});
