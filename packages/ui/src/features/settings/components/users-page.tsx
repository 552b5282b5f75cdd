import { DialogActions } from '../../../shared/components/dialog-actions';
import { ConfirmDeleteDialog } from '../../../shared/components/confirm-delete-dialog';
import { useState } from 'react';
import { useOutletContext } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { useUserMutations, useUsers } from '../hooks/use-users';
import { isMissingRoute, type SignedInSession } from '../lib/auth-session';
import { newUserProblem, passwordProblem, userLines } from '../lib/users';
import { MissingRouteNote } from './missing-route-note';

function NewUserDialog({ onClose }: { onClose: () => void }) {
  const { create } = useUserMutations();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const problem = newUserProblem(username, password);
  return (
    <Dialog open title="New user" onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!problem) create.mutate({ username, password }, { onSuccess: onClose });
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          Username
          <TextInput aria-label="Username" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Password
          <TextInput aria-label="Password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <span className="text-xs text-zinc-500">At least 12 characters. Tell the user through a safe channel.</span>
        </label>
        {tried && problem ? <p className="text-sm text-red-600 dark:text-red-400">{problem}</p> : null}
        {create.error ? <ErrorBanner error={create.error} title="Not created" /> : null}
        <DialogActions onCancel={onClose} submitLabel="Create user" pendingLabel="Creating…" pending={create.isPending} />
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({ username, onClose }: { username: string; onClose: () => void }) {
  const { setPassword } = useUserMutations();
  const [password, setValue] = useState('');
  const [tried, setTried] = useState(false);
  const problem = passwordProblem(password);
  return (
    <Dialog open title={`Reset the password of ${username}`} onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!problem) setPassword.mutate({ username, password }, { onSuccess: onClose });
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          New password
          <TextInput aria-label="New password" type="password" autoComplete="new-password" value={password} onChange={(e) => setValue(e.target.value)} />
          <span className="text-xs text-zinc-500">At least 12 characters. The old one stops working at once.</span>
        </label>
        {tried && problem ? <p className="text-sm text-red-600 dark:text-red-400">{problem}</p> : null}
        {setPassword.error ? <ErrorBanner error={setPassword.error} title="Not changed" /> : null}
        <DialogActions onCancel={onClose} submitLabel="Set password" pendingLabel="Saving…" pending={setPassword.isPending} />
      </form>
    </Dialog>
  );
}

function DeleteUserDialog({ username, onClose }: { username: string; onClose: () => void }) {
  const { remove } = useUserMutations();
  return (
    <ConfirmDeleteDialog
      title={`Delete ${username}?`}
      confirmLabel="Delete user"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(username, { onSuccess: onClose })}
      onClose={onClose}
    >
      {username} can no longer sign in, and its permissions go with it. What it created stays. This cannot be undone.
    </ConfirmDeleteDialog>
  );
}

/**
 * Users (admins only): each with its admin flag (one click to change), password reset and deletion
 * (confirmed), and a form to create one.
 *
 * @example
 * { path: '/settings/users', element: <UsersPage /> }
 */
export function UsersPage() {
  const session = useOutletContext<SignedInSession>();
  const users = useUsers();
  const { setAdmin } = useUserMutations();
  const [dialog, setDialog] = useState<{ kind: 'new' } | { kind: 'password' | 'delete'; username: string } | null>(null);
  const lines = userLines(users.data ?? [], session.username);
  return (
    <section aria-label="Users">
      <div className="mb-3 flex items-center gap-3">
        <p className="text-sm text-zinc-500">Admins can do everything; other users get what each experiment and model shares with them.</p>
        <Button variant="primary" className="ml-auto" onClick={() => setDialog({ kind: 'new' })}>
          New user
        </Button>
      </div>
      {setAdmin.error ? (
        <div className="mb-3">
          <ErrorBanner error={setAdmin.error} title="Admin flag not changed" />
        </div>
      ) : null}
      {isMissingRoute(users.error) ? (
        <MissingRouteNote route="GET /api/2.0/loupe/users/list" what="Listing users" />
      ) : users.error ? (
        <ErrorBanner error={users.error} />
      ) : users.isPending ? (
        <Spinner label="Loading users" />
      ) : lines.length === 0 ? (
        <EmptyState title="No users" />
      ) : (
        <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full text-sm" aria-label="Users">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
              <tr>
                <th className="px-4 py-2 font-medium">Username</th>
                <th className="px-4 py-2 font-medium">Admin</th>
                <th className="px-4 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((u) => (
                <tr key={u.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
                  <td className="px-4 py-2.5 font-medium">
                    {u.username}
                    {u.isSelf ? <span className="ml-2 text-xs font-normal text-zinc-500">(you)</span> : null}
                  </td>
                  <td className="px-4 py-2.5">
                    <input
                      type="checkbox"
                      aria-label={`Admin: ${u.username}`}
                      title={u.isSelf ? 'You cannot remove your own admin flag here' : undefined}
                      checked={u.is_admin}
                      disabled={u.isSelf || (setAdmin.isPending && setAdmin.variables.username === u.username)}
                      onChange={(e) => setAdmin.mutate({ username: u.username, is_admin: e.target.checked })}
                      className="size-4 accent-indigo-600"
                    />
                  </td>
                  <td className="px-4 py-2.5 text-right">
                    <div className="flex justify-end gap-2">
                      <Button size="sm" aria-label={`Reset password of ${u.username}`} onClick={() => setDialog({ kind: 'password', username: u.username })}>
                        Reset password
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Delete ${u.username}`}
                        disabled={u.isSelf}
                        onClick={() => setDialog({ kind: 'delete', username: u.username })}
                      >
                        Delete
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {dialog?.kind === 'new' ? <NewUserDialog onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'password' ? <ResetPasswordDialog username={dialog.username} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'delete' ? <DeleteUserDialog username={dialog.username} onClose={() => setDialog(null)} /> : null}
    </section>
  );
}
