import { useState } from 'react';
import { useSession } from '../hooks/use-session';
import { logout } from '../lib/session-api';

/**
 * The header's user menu: who is signed in, and "Sign out". Nothing when auth is off.
 *
 * @example
 * <header>... <UserMenu /></header>
 */
export function UserMenu() {
  const session = useSession();
  const [open, setOpen] = useState(false);
  if (!session || session.auth === 'none') return null;

  const signOut = async () => {
    await logout();
    // A fresh load: no page or cached answer of this user survives.
    window.location.assign('/');
  };

  return (
    <div className="relative">
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Signed in as ${session.username}${session.isAdmin ? ' (admin)' : ''}`}
        onClick={() => setOpen(!open)}
        className="flex items-center gap-1.5 rounded-md px-2 py-1 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        <span className="flex size-5 items-center justify-center rounded-full bg-indigo-600 text-[10px] font-semibold text-white uppercase" aria-hidden>
          {session.username.slice(0, 1)}
        </span>
        {session.username}
        {session.isAdmin ? <span className="rounded bg-zinc-100 px-1 text-[10px] text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">admin</span> : null}
      </button>
      {open ? (
        <div
          role="menu"
          className="absolute right-0 z-20 mt-1 w-44 rounded-md border border-zinc-200 bg-white py-1 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <div className="px-3 py-1.5 text-xs text-zinc-500 dark:text-zinc-400">Signed in as {session.username}</div>
          <button
            type="button"
            role="menuitem"
            onClick={() => void signOut()}
            className="block w-full px-3 py-1.5 text-left text-zinc-800 hover:bg-zinc-100 dark:text-zinc-100 dark:hover:bg-zinc-800"
          >
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}
