import { describe, expect, it } from 'vitest';
import { loginErrorMessage, ssoLoginUrl } from './session-api';

describe('sign-in helpers', () => {
  it('builds the SSO link back to the page asked for', () => {
    expect(ssoLoginUrl('/experiments/1?tab=runs')).toBe('/auth/login?return_to=%2Fexperiments%2F1%3Ftab%3Druns');
  });

  it('turns a login error code into a fixed sentence, never the URL text', () => {
    expect(loginErrorMessage('')).toBeUndefined();
    expect(loginErrorMessage('?login_error=PERMISSION_DENIED')).toMatch(/belongs to another Loupe user/);
    expect(loginErrorMessage('?login_error=Call+555-0100+now')).toBe('Single sign-on failed. Please try again.');
  });
});
