import { useState, type FormEvent } from 'react';
import { Button } from '../../../shared/components/button';
import { TextInput } from '../../../shared/components/text-input';
import { loginErrorMessage, passwordLogin, ssoLoginUrl } from '../lib/session-api';

/** The page asked for, less a `login_error` from a failed SSO round trip. */
function currentPath(): string {
  const params = new URLSearchParams(window.location.search);
  params.delete('login_error');
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
}

/**
 * Loupe's login page: a user name and password form, and "Sign in with SSO" when the server has an
 * identity provider. Shown at whatever URL was asked for; signing in shows that page.
 *
 * @example
 * <LoginPage sso onSignedIn={() => queryClient.resetQueries()} />
 */
export function LoginPage({ sso, onSignedIn }: { sso: boolean; onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(() => loginErrorMessage(window.location.search));
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await passwordLogin(username, password);
      window.history.replaceState(null, '', currentPath());
      onSignedIn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <main className="flex min-h-full items-center justify-center bg-zinc-50 p-6 dark:bg-zinc-950">
      <div className="w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mb-5 flex items-center gap-2">
          <img src="/favicon.svg" alt="" className="size-6" />
          <h1 className="text-lg font-semibold tracking-tight text-zinc-900 dark:text-white">Sign in to Loupe</h1>
        </div>
        {error ? (
          <p
            role="alert"
            className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300"
          >
            {error}
          </p>
        ) : null}
        {sso ? (
          <>
            <a
              href={ssoLoginUrl(currentPath())}
              className="flex h-9 w-full items-center justify-center rounded-md bg-indigo-600 text-sm font-medium text-white hover:bg-indigo-500"
            >
              Sign in with SSO
            </a>
            <div className="my-4 flex items-center gap-3 text-xs text-zinc-400">
              <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
              or with a password
              <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
            </div>
          </>
        ) : null}
        <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3">
          <label className="flex flex-col gap-1 text-sm text-zinc-700 dark:text-zinc-300">
            User name
            <TextInput name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
          </label>
          <label className="flex flex-col gap-1 text-sm text-zinc-700 dark:text-zinc-300">
            Password
            <TextInput
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <Button type="submit" variant={sso ? 'secondary' : 'primary'} disabled={busy} className="mt-1 h-9">
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </div>
    </main>
  );
}
