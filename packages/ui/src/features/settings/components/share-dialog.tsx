import type { PermissionName } from '@loupe/protocol';
import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { useAuthSession } from '../hooks/use-auth-session';
import { usePermissionList, usePermissionMutations } from '../hooks/use-permissions';
import { useUsers } from '../hooks/use-users';
import type { SignedInSession } from '../lib/auth-session';
import { canShare, grantableUsers, grantCall, permissionApi, PERMISSION_CHOICES, PERMISSION_HINTS, shareLines, type ShareTarget } from '../lib/permissions';
import { MissingRouteNote } from './missing-route-note';

const label = (p: PermissionName) => (p === 'NO_PERMISSIONS' ? 'No access' : p[0] + p.slice(1).toLowerCase());

function PermissionSelect({ value, onChange, ariaLabel }: { value: PermissionName; onChange: (p: PermissionName) => void; ariaLabel: string }) {
  return (
    <select aria-label={ariaLabel} className={`${INPUT_CLASS} h-7 text-xs`} value={value} onChange={(e) => onChange(e.target.value as PermissionName)}>
      {PERMISSION_CHOICES.map((p) => (
        <option key={p} value={p} title={PERMISSION_HINTS[p]}>
          {label(p)}
        </option>
      ))}
    </select>
  );
}

function ShareDialog({ target, session, onClose }: { target: ShareTarget; session: SignedInSession; onClose: () => void }) {
  const list = usePermissionList(target, true);
  const users = useUsers(session.isAdmin);
  const { grant, remove } = usePermissionMutations(target);
  const [username, setUsername] = useState('');
  const [permission, setPermission] = useState<PermissionName>('READ');
  const rows = list.data?.state === 'allowed' ? list.data.rows : [];
  const lines = shareLines(rows, users.data, session.username);
  const choices = users.data ? grantableUsers(users.data, rows) : undefined;
  const title = target.kind === 'experiment' ? 'Share experiment' : `Share ${target.label ?? 'model'} ${target.name}`;
  const error = grant.error ?? remove.error;
  return (
    <Dialog open title={title} onClose={onClose}>
      <div className="flex flex-col gap-3">
        {list.isPending ? <Spinner label="Loading permissions" /> : null}
        {list.error ? <ErrorBanner error={list.error} title="Permissions not loaded" /> : null}
        {list.data?.state === 'missing' ? <MissingRouteNote route={`GET /api/${permissionApi(target).list}`} what="Listing who has access" /> : null}
        {list.data?.state === 'allowed' ? (
          lines.length === 0 ? (
            <p className="text-sm text-zinc-500">Nobody has a permission of its own here yet; everyone else gets the server&apos;s default.</p>
          ) : (
            <table className="w-full text-sm" aria-label="Permissions">
              <tbody>
                {lines.map((line) => (
                  <tr key={line.username} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
                    <td className="py-1.5 pr-2">
                      {line.username}
                      {line.isSelf ? <span className="ml-1.5 text-xs text-zinc-500">(you)</span> : null}
                      {line.isAdmin ? <span className="ml-1.5 text-xs text-indigo-600 dark:text-indigo-400">admin</span> : null}
                    </td>
                    <td className="py-1.5 pr-2">
                      {line.permission === 'ADMIN' ? (
                        <span className="text-xs text-zinc-500">Everything (admin)</span>
                      ) : (
                        <PermissionSelect
                          ariaLabel={`Permission of ${line.username}`}
                          value={line.permission}
                          onChange={(p) => grant.mutate({ username: line.username, permission: p, call: 'update' })}
                        />
                      )}
                    </td>
                    <td className="py-1.5 text-right">
                      {line.permission === 'ADMIN' ? null : (
                        <Button size="sm" variant="ghost" aria-label={`Remove ${line.username}`} onClick={() => remove.mutate(line.username)}>
                          Remove
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : null}
        <form
          aria-label="Grant a permission"
          className="flex items-end gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800"
          onSubmit={(e) => {
            e.preventDefault();
            const name = username.trim();
            if (!name) return;
            const call = grantCall(rows, name, permission);
            if (call === 'none') return;
            grant.mutate({ username: name, permission, call }, { onSuccess: () => setUsername('') });
          }}
        >
          <label className="flex min-w-0 flex-1 flex-col gap-1 text-xs text-zinc-500">
            User
            {choices ? (
              <select aria-label="User to share with" className={INPUT_CLASS} value={username} onChange={(e) => setUsername(e.target.value)}>
                <option value="">Pick a user…</option>
                {choices.map((u) => (
                  <option key={u}>{u}</option>
                ))}
              </select>
            ) : (
              <TextInput aria-label="User to share with" placeholder="username" value={username} onChange={(e) => setUsername(e.target.value)} />
            )}
          </label>
          <label className="flex flex-col gap-1 text-xs text-zinc-500">
            Permission
            <PermissionSelect ariaLabel="Permission to grant" value={permission} onChange={setPermission} />
          </label>
          <Button type="submit" variant="primary" disabled={!username.trim() || grant.isPending}>
            Share
          </Button>
        </form>
        <p className="text-xs text-zinc-500">{PERMISSION_HINTS[permission]}</p>
        {grant.isSuccess && !grant.isPending ? (
          <p role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
            {grant.variables.username}: {label(grant.variables.permission)}, saved.
          </p>
        ) : null}
        {error ? <ErrorBanner error={error} title="Not changed" /> : null}
        <div className="flex justify-end">
          <Button onClick={onClose}>Close</Button>
        </div>
      </div>
    </Dialog>
  );
}

/**
 * The Share button of an experiment, model or prompt, and its dialog: who has which permission, grant a
 * user READ, EDIT, MANAGE or no access, remove a grant. Shown to admins and to users with MANAGE on the
 * resource (the permission list answered them); nothing at all with auth off.
 *
 * @example
 * <ShareButton target={{ kind: 'experiment', experimentId: '3' }} />
 */
export function ShareButton({ target }: { target: ShareTarget }) {
  const session = useAuthSession();
  const signedIn = session.auth === 'on' ? session : undefined;
  // Non-admins see the button only when they may manage the resource: the list needs MANAGE.
  const list = usePermissionList(target, Boolean(signedIn && !signedIn.isAdmin));
  const [open, setOpen] = useState(false);
  if (!signedIn || !canShare(signedIn, list.data?.state)) return null;
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        Share
      </Button>
      {open ? <ShareDialog target={target} session={signedIn} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
