import type { UserRow } from './permissions';

/** Shortest password the server accepts (MLflow 3's `_validate_password`: 12 characters). */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * Why a new user's name or password would be refused, before asking the server; undefined when both
 * are fine.
 *
 * @example
 * newUserProblem('ana', 'short'); // 'The password needs at least 12 characters.'
 */
export function newUserProblem(username: string, password: string): string | undefined {
  if (!username.trim()) return 'Give the user a name.';
  if (username !== username.trim()) return 'The name cannot start or end with a space.';
  return passwordProblem(password);
}

/**
 * Why a password would be refused (too short), or undefined.
 *
 * @example
 * passwordProblem('correct horse battery'); // undefined
 */
export function passwordProblem(password: string): string | undefined {
  return password.length < MIN_PASSWORD_LENGTH ? `The password needs at least ${MIN_PASSWORD_LENGTH} characters.` : undefined;
}

/**
 * Users for the users page: admins first, then by name, the signed-in user marked (it cannot delete
 * itself or drop its own admin flag from here, which would lock it out of this page).
 *
 * @example
 * userLines([{ id: 2, username: 'bo', is_admin: false }, { id: 1, username: 'root', is_admin: true }], 'root');
 * // [{ ..., username: 'root', isSelf: true }, { ..., username: 'bo', isSelf: false }]
 */
export function userLines(users: readonly UserRow[], self: string | undefined): (UserRow & { isSelf: boolean })[] {
  return [...users]
    .sort((a, b) => Number(b.is_admin) - Number(a.is_admin) || a.username.localeCompare(b.username))
    .map((u) => ({ ...u, isSelf: u.username === self }));
}
