import { Navigate, Outlet, useLocation } from 'react-router';
import { EmptyState } from '../../../shared/components/feedback-states';
import { TabLinks } from '../../../shared/components/tab-links';
import { useAuthSession } from '../hooks/use-auth-session';
import { settingsAccess, settingsHome, type SettingsAccess } from '../lib/auth-session';

const PAGES: { label: string; to: string; allowed: (a: SettingsAccess) => boolean }[] = [
  { label: 'Users', to: '/settings/users', allowed: (a) => a.users },
  { label: 'API tokens', to: '/settings/tokens', allowed: (a) => a.tokens },
  { label: 'Audit log', to: '/settings/audit', allowed: (a) => a.audit },
];

/**
 * The settings pages' frame: tabs for the pages the signed-in user may open, and a plain explanation
 * instead of the page when auth is off or the page is for admins only. `/settings` opens the first page
 * the user may see.
 *
 * @example
 * { path: '/settings', lazy: ..., children: [{ path: 'users', ... }] }
 */
export function SettingsLayout() {
  const session = useAuthSession();
  const { pathname } = useLocation();
  const access = settingsAccess(session);
  if (!access.settings) {
    return (
      <div className="mx-auto max-w-6xl p-6">
        <EmptyState
          title={session.auth === 'none' ? 'Authentication is off' : 'Not signed in'}
          hint={
            session.auth === 'none'
              ? 'Users, API tokens and the audit log exist when the server runs with --app-name basic-auth.'
              : 'Sign in to see your settings.'
          }
        />
      </div>
    );
  }
  const home = settingsHome(session);
  if (pathname.replace(/\/$/, '') === '/settings' && home) return <Navigate to={home} replace />;
  const page = PAGES.find((p) => pathname.startsWith(p.to));
  return (
    <div className="mx-auto max-w-6xl p-6">
      <h1 className="mb-3 text-xl font-semibold tracking-tight">Settings</h1>
      <TabLinks label="Settings pages" tabs={PAGES.filter((p) => p.allowed(access)).map(({ label, to }) => ({ label, to }))} />
      <div className="mt-4">
        {page && !page.allowed(access) ? <EmptyState title="Admins only" hint={`${page.label} can be seen by admins only.`} /> : <Outlet context={session} />}
      </div>
    </div>
  );
}
