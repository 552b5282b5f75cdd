import { Link } from 'react-router';
import { useAuthSession } from '../hooks/use-auth-session';
import { settingsHome } from '../lib/auth-session';

/**
 * The header's Settings link: to the users page for admins, to one's API tokens otherwise; nothing with
 * auth off (there are no users to manage).
 *
 * @example
 * <nav><SettingsLink /></nav>
 */
export function SettingsLink() {
  const session = useAuthSession();
  const to = settingsHome(session);
  if (!to) return null;
  return (
    <Link to={to} className="hover:text-zinc-900 dark:hover:text-white">
      Settings
    </Link>
  );
}
