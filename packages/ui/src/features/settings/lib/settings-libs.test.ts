import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../../shared/api/http-client';
import { auditDetail, auditFiltersFrom, auditQuery } from './audit';
import { authSessionOf, isMissingRoute, settingsAccess, settingsHome, type AuthSession } from './auth-session';
import { canShare, grantableUsers, grantCall, permissionApi, shareLines } from './permissions';
import { createTokenBody, expiresIn, sortTokens, tokenNameProblem, tokenState, type TokenInfo } from './tokens';
import { newUserProblem, passwordProblem, userLines } from './users';

const admin: AuthSession = { auth: 'on', username: 'root', isAdmin: true, csrfToken: 'c' };
const bo: AuthSession = { auth: 'on', username: 'bo', isAdmin: false, csrfToken: '' };

describe('auth session', () => {
  it("reads the session gate's session: auth off, signed in, outside the gate", () => {
    const signedIn = { state: 'signed-in' as const, username: 'root', isAdmin: true, csrfToken: 'c', sso: false };
    expect(authSessionOf({ ...signedIn, auth: 'none' })).toEqual({ auth: 'none' });
    expect(authSessionOf({ ...signedIn, auth: 'basic-auth' })).toEqual(admin);
    expect(authSessionOf({ ...signedIn, auth: 'basic-auth', username: 'bo', isAdmin: false, csrfToken: '' })).toEqual(bo);
    expect(authSessionOf(undefined)).toEqual({ auth: 'signed-out' });
  });

  it('opens settings to signed-in users only, users and audit to admins only', () => {
    expect(settingsAccess({ auth: 'none' })).toEqual({ settings: false, users: false, audit: false, tokens: false, otherUsersTokens: false });
    expect(settingsAccess({ auth: 'signed-out' }).settings).toBe(false);
    expect(settingsAccess(undefined).settings).toBe(false);
    expect(settingsAccess(bo)).toEqual({ settings: true, users: false, audit: false, tokens: true, otherUsersTokens: false });
    expect(settingsAccess(admin)).toEqual({ settings: true, users: true, audit: true, tokens: true, otherUsersTokens: true });
    expect(settingsHome({ auth: 'none' })).toBeUndefined();
    expect(settingsHome(bo)).toBe('/settings/tokens');
    expect(settingsHome(admin)).toBe('/settings/users');
  });

  it('tells a missing route from a missing resource', () => {
    expect(isMissingRoute(new ApiRequestError(404, 'ENDPOINT_NOT_FOUND', 'HTTP 404'))).toBe(true);
    expect(isMissingRoute(new ApiRequestError(404, 'RESOURCE_DOES_NOT_EXIST', 'No user'))).toBe(false);
    expect(isMissingRoute(new ApiRequestError(403, 'PERMISSION_DENIED', 'no'))).toBe(false);
    expect(isMissingRoute(new Error('x'))).toBe(false);
    expect(isMissingRoute(null)).toBe(false);
  });
});

describe('permissions', () => {
  const users = [
    { id: 1, username: 'root', is_admin: true },
    { id: 2, username: 'bo', is_admin: false },
    { id: 3, username: 'ana', is_admin: false },
    { id: 4, username: 'cy', is_admin: true },
  ];

  it('merges the permission rows with the admins, by name; the last row of a name wins, unknown names are dropped', () => {
    const lines = shareLines(
      [
        { username: 'bo', permission: 'READ' },
        { username: 'cy', permission: 'EDIT' },
        { username: 'bo', permission: 'EDIT' },
        { username: 'zed', permission: 'OWNER' },
      ],
      users,
      'root',
    );
    expect(lines).toEqual([
      { username: 'bo', permission: 'EDIT', isAdmin: false, isSelf: false },
      { username: 'cy', permission: 'EDIT', isAdmin: true, isSelf: false },
      { username: 'root', permission: 'ADMIN', isAdmin: true, isSelf: true },
    ]);
    // Without the users list (a MANAGE user who is not an admin), admins are not known.
    expect(shareLines([{ username: 'ana', permission: 'NO_PERMISSIONS' }], undefined, 'ana')).toEqual([
      { username: 'ana', permission: 'NO_PERMISSIONS', isAdmin: false, isSelf: true },
    ]);
  });

  it('grants with create for a new user, update for a changed one, nothing for the same permission', () => {
    const rows = [{ username: 'bo', permission: 'READ' }];
    expect(grantCall(rows, 'ana', 'EDIT')).toBe('create');
    expect(grantCall(rows, 'bo', 'EDIT')).toBe('update');
    expect(grantCall(rows, 'bo', 'READ')).toBe('none');
    expect(grantCall(rows, 'bo', 'NO_PERMISSIONS')).toBe('update');
  });

  it('offers users without a row who are not admins', () => {
    expect(grantableUsers(users, [{ username: 'bo', permission: 'READ' }])).toEqual(['ana']);
    expect(grantableUsers(users, [])).toEqual(['ana', 'bo']);
  });

  it('shows Share to admins and to users whose permission list answered, never with auth off', () => {
    expect(canShare({ auth: 'none' }, 'allowed')).toBe(false);
    expect(canShare({ auth: 'signed-out' }, 'allowed')).toBe(false);
    expect(canShare(undefined, undefined)).toBe(false);
    expect(canShare(admin, undefined)).toBe(true);
    expect(canShare(admin, 'missing')).toBe(true);
    expect(canShare(bo, 'allowed')).toBe(true);
    expect(canShare(bo, 'denied')).toBe(false);
    expect(canShare(bo, 'missing')).toBe(false);
    expect(canShare(bo, undefined)).toBe(false);
  });

  it('names the calls of experiments and registered models (prompts are registered models)', () => {
    expect(permissionApi({ kind: 'experiment', experimentId: '7' })).toEqual({
      base: '2.0/mlflow/experiments/permissions',
      list: '2.0/loupe/experiments/permissions/list',
      key: { experiment_id: '7' },
      noun: 'experiment',
    });
    expect(permissionApi({ kind: 'registered-model', name: 'qa', label: 'prompt' })).toMatchObject({
      base: '2.0/mlflow/registered-models/permissions',
      list: '2.0/loupe/registered-models/permissions/list',
      key: { name: 'qa' },
      noun: 'prompt',
    });
  });
});

describe('users', () => {
  it('checks a new user as the server would (12-character passwords)', () => {
    expect(newUserProblem('', 'twelve chars')).toMatch(/name/);
    expect(newUserProblem(' bo', 'twelve chars')).toMatch(/space/);
    expect(newUserProblem('bo', 'eleven char')).toMatch(/12 characters/);
    expect(newUserProblem('bo', 'twelve chars')).toBeUndefined();
    expect(passwordProblem('x'.repeat(12))).toBeUndefined();
  });

  it('lists admins first, then by name, marking the signed-in user', () => {
    const lines = userLines(
      [
        { id: 2, username: 'bo', is_admin: false },
        { id: 3, username: 'ana', is_admin: false },
        { id: 1, username: 'root', is_admin: true },
      ],
      'bo',
    );
    expect(lines.map((u) => [u.username, u.isSelf])).toEqual([
      ['root', false],
      ['ana', false],
      ['bo', true],
    ]);
  });
});

describe('tokens', () => {
  const token = (extra: Partial<TokenInfo>): TokenInfo => ({ token_id: 't', name: 'ci', username: 'bo', token_prefix: 'lpt_abcd', created_at: 100, ...extra });

  it('is revoked before expired, expired at its expiry time', () => {
    expect(tokenState(token({}), 1000)).toBe('active');
    expect(tokenState(token({ expires_at: 2000 }), 1000)).toBe('active');
    expect(tokenState(token({ expires_at: 1000 }), 1000)).toBe('expired');
    expect(tokenState(token({ expires_at: 10, revoked_at: 5 }), 1000)).toBe('revoked');
  });

  it('sorts active tokens first, then newest first', () => {
    const sorted = sortTokens(
      [
        token({ token_id: 'old', created_at: 1 }),
        token({ token_id: 'revoked', created_at: 9, revoked_at: 10 }),
        token({ token_id: 'new', created_at: 5 }),
        token({ token_id: 'expired', created_at: 8, expires_at: 50 }),
      ],
      100,
    );
    expect(sorted.map((t) => t.token_id)).toEqual(['new', 'old', 'revoked', 'expired']);
  });

  it('says how far ahead a token expires, nothing once it has', () => {
    const day = 86_400_000;
    expect(expiresIn(31 * day, day)).toBe('in 30d');
    expect(expiresIn(5 * 3_600_000 + 10, 0)).toBe('in 5h');
    expect(expiresIn(60_000, 0)).toBe('in <1h');
    expect(expiresIn(0, 0)).toBeUndefined();
    expect(expiresIn(0, 1)).toBeUndefined();
  });

  it('checks the name and builds the create body (the user only when it is someone else)', () => {
    expect(tokenNameProblem('  ')).toBeDefined();
    expect(tokenNameProblem('x'.repeat(101))).toMatch(/100/);
    expect(tokenNameProblem('ci')).toBeUndefined();
    expect(createTokenBody(' ci ', 30, undefined, 'bo')).toEqual({ name: 'ci', expires_in_days: 30 });
    expect(createTokenBody('ci', undefined, 'bo', 'bo')).toEqual({ name: 'ci' });
    expect(createTokenBody('ci', 7, 'ana', 'root')).toEqual({ name: 'ci', expires_in_days: 7, username: 'ana' });
    expect(createTokenBody('ci', 7, 'ana', undefined)).toEqual({ name: 'ci', expires_in_days: 7, username: 'ana' });
  });
});

describe('audit', () => {
  it('reads filters from the URL and leaves empty ones out of the query', () => {
    const filters = auditFiltersFrom(new URLSearchParams('actor=%20root%20&resource_type=user'));
    expect(filters).toEqual({ actor: ' root ', action: '', resourceType: 'user' });
    expect(auditQuery(filters, undefined, 50)).toEqual({ max_results: 50, actor: 'root', resource_type: 'user' });
    expect(auditQuery({ actor: '', action: 'token.create', resourceType: '' }, 'p2', 25)).toEqual({
      max_results: 25,
      page_token: 'p2',
      action: 'token.create',
    });
  });

  it('shows a JSON detail as key=value pairs and other text as it is', () => {
    expect(auditDetail('{"permission":"EDIT","username":"bo","n":2}')).toBe('permission=EDIT username=bo n=2');
    expect(auditDetail('not json')).toBe('not json');
    expect(auditDetail('"quoted"')).toBe('quoted');
    expect(auditDetail('[1,2]')).toBe('[1,2]');
    expect(auditDetail('')).toBe('');
  });
});
