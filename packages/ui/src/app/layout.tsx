import { Link, Outlet } from 'react-router';
import { UserMenu } from '../features/auth/components/user-menu';
import { SettingsLink } from '../features/settings/components/settings-link';
import { useTheme } from '../shared/hooks/use-theme';

function ThemeToggle() {
  const [theme, setTheme] = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      onClick={() => setTheme(next)}
      aria-label={`Switch to ${next} mode`}
      title={`Switch to ${next} mode`}
      className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white"
    >
      {theme === 'dark' ? (
        <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden>
          <path d="M10 2a1 1 0 011 1v1a1 1 0 11-2 0V3a1 1 0 011-1zm0 13a3 3 0 100-6 3 3 0 000 6zm0 2a1 1 0 011 1v0a1 1 0 11-2 0 1 1 0 011-1zM3 9a1 1 0 100 2 1 1 0 000-2zm14 0a1 1 0 100 2 1 1 0 000-2zM5.05 4.05a1 1 0 011.41 0l.01.01a1 1 0 01-1.42 1.41 1 1 0 010-1.42zm9.9 9.9a1 1 0 011.41 0 1 1 0 01-1.41 1.42 1 1 0 010-1.42zM4.05 14.95a1 1 0 010-1.41 1 1 0 111.42 1.41 1 1 0 01-1.42 0zm9.9-9.9a1 1 0 010-1.41 1 1 0 111.42 1.41 1 1 0 01-1.42 0z" />
        </svg>
      ) : (
        <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden>
          <path d="M17.3 13.4A8 8 0 016.6 2.7a8 8 0 1010.7 10.7z" />
        </svg>
      )}
    </button>
  );
}

/**
 * The frame of every page: the top bar (home, theme, the signed-in user) and the page below it.
 *
 * @example
 * { element: <Layout />, children: [...] }
 */
export function Layout() {
  return (
    <div className="flex h-full flex-col">
      <header className="flex h-11 shrink-0 items-center gap-4 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-900">
        <Link to="/" className="flex items-center gap-2 font-semibold tracking-tight text-zinc-900 dark:text-white">
          <img src="/favicon.svg" alt="" className="size-5" />
          Loupe
        </Link>
        <nav aria-label="Main" className="flex gap-3 text-sm text-zinc-600 dark:text-zinc-300">
          <Link to="/" className="hover:text-zinc-900 dark:hover:text-white">
            Experiments
          </Link>
          <Link to="/models" className="hover:text-zinc-900 dark:hover:text-white">
            Models
          </Link>
          <Link to="/prompts" className="hover:text-zinc-900 dark:hover:text-white">
            Prompts
          </Link>
          <Link to="/gateway" className="hover:text-zinc-900 dark:hover:text-white">
            Gateway
          </Link>
          <Link to="/webhooks" className="hover:text-zinc-900 dark:hover:text-white">
            Webhooks
          </Link>
          <SettingsLink />
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>
      <main className="min-h-0 flex-1 overflow-auto">
        <Outlet />
      </main>
    </div>
  );
}

/**
 * The page for a URL no route knows.
 *
 * @example
 * { path: '*', element: <NotFoundPage /> }
 */
export function NotFoundPage() {
  return (
    <div className="p-8">
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="mt-1 text-sm text-zinc-500">
        Nothing lives at this address.{' '}
        <Link className="text-indigo-600 hover:underline dark:text-indigo-400" to="/">
          Go to experiments
        </Link>
      </p>
    </div>
  );
}
