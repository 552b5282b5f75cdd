import { DialogActions } from '../../../shared/components/dialog-actions';
import { ConfirmDeleteDialog } from '../../../shared/components/confirm-delete-dialog';
import { useState } from 'react';
import { useOutletContext, useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { CopyButton } from '../../../shared/components/copy-button';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useTokenMutations, useTokens } from '../hooks/use-tokens';
import { useUsers } from '../hooks/use-users';
import { isMissingRoute, type SignedInSession } from '../lib/auth-session';
import { createTokenBody, EXPIRY_CHOICES, expiresIn, sortTokens, tokenNameProblem, tokenState, type TokenInfo } from '../lib/tokens';
import { MissingRouteNote } from './missing-route-note';

function NewTokenDialog({ forUser, self, onClose }: { forUser: string | undefined; self: string | undefined; onClose: () => void }) {
  const { create } = useTokenMutations();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('90 days');
  const [tried, setTried] = useState(false);
  const problem = tokenNameProblem(name);
  const secret = create.data?.secret;
  if (secret) {
    return (
      <Dialog open title="Token created" onClose={onClose}>
        <p className="text-sm text-zinc-600 dark:text-zinc-300">
          Copy the token now: it cannot be shown again. Anyone holding it acts as {create.data?.token.username}.
        </p>
        <div className="mt-3 flex items-center gap-2 rounded-md border border-zinc-200 bg-zinc-50 px-2 py-1.5 dark:border-zinc-700 dark:bg-zinc-800">
          <code aria-label="New token secret" className="min-w-0 flex-1 font-mono text-xs break-all">
            {secret}
          </code>
          <CopyButton value={secret} label="Copy token" />
        </div>
        <p className="mt-2 text-xs text-zinc-500">
          Use it as <span className="font-mono">MLFLOW_TRACKING_TOKEN</span> or an <span className="font-mono">Authorization: Bearer</span> header.
        </p>
        <div className="mt-4 flex justify-end">
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog open title={forUser && forUser !== self ? `New API token for ${forUser}` : 'New API token'} onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          const days = EXPIRY_CHOICES.find((c) => c.label === expiry)?.days;
          if (!problem) create.mutate(createTokenBody(name, days, forUser, self));
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          Name
          <TextInput aria-label="Token name" placeholder="ci-pipeline" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Expires in
          <select aria-label="Expires in" className={INPUT_CLASS} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.label}>{c.label}</option>
            ))}
          </select>
        </label>
        {tried && problem ? <p className="text-sm text-red-600 dark:text-red-400">{problem}</p> : null}
        {create.error ? <ErrorBanner error={create.error} title="Not created" /> : null}
        <DialogActions onCancel={onClose} submitLabel="Create token" pendingLabel="Creating…" pending={create.isPending} />
      </form>
    </Dialog>
  );
}

function RevokeTokenDialog({ token, onClose }: { token: TokenInfo; onClose: () => void }) {
  const { revoke } = useTokenMutations();
  return (
    <ConfirmDeleteDialog
      title={`Revoke ${token.name}?`}
      confirmLabel="Revoke token"
      pendingLabel="Revoking…"
      errorTitle="Not revoked"
      pending={revoke.isPending}
      error={revoke.error}
      onConfirm={() => revoke.mutate(token.token_id, { onSuccess: onClose })}
      onClose={onClose}
    >
      Anything using this token is refused from now on. This cannot be undone.
    </ConfirmDeleteDialog>
  );
}

const STATE_STYLE = {
  active: 'bg-emerald-50 text-emerald-700 dark:bg-emerald-500/10 dark:text-emerald-300',
  expired: 'bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400',
  revoked: 'bg-red-50 text-red-700 dark:bg-red-500/10 dark:text-red-300',
};

function when(ms: number | undefined, none: string, now: number) {
  if (ms === undefined) return <span className="text-zinc-400">{none}</span>;
  return <span title={formatTimestamp(ms)}>{expiresIn(ms, now) ?? formatRelative(ms, now)}</span>;
}

/**
 * API tokens: the signed-in user's (admins may pick another user, `?user=`), each with its state and
 * dates, revoked after a confirmation; a new token's secret is shown once, with a copy button.
 *
 * @example
 * { path: '/settings/tokens', element: <TokensPage /> }
 */
export function TokensPage() {
  const session = useOutletContext<SignedInSession>();
  const [params, setParams] = useSearchParams();
  const forUser = (session.isAdmin && params.get('user')) || undefined;
  const tokens = useTokens(forUser);
  const users = useUsers(session.isAdmin);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);
  const now = Date.now();
  const shown = forUser ?? session.username;
  return (
    <section aria-label="API tokens">
      <div className="mb-3 flex items-center gap-3">
        <p className="text-sm text-zinc-500">
          {shown ? `Tokens of ${shown}. ` : ''}A token acts as its user for MLflow clients and scripts (
          <span className="font-mono text-xs">MLFLOW_TRACKING_TOKEN</span>).
        </p>
        {session.isAdmin && users.data ? (
          <label className="ml-auto flex items-center gap-2 text-sm">
            User
            <select
              aria-label="Tokens of user"
              className={INPUT_CLASS}
              value={forUser ?? session.username ?? ''}
              onChange={(e) =>
                setParams((p) => {
                  if (e.target.value && e.target.value !== session.username) p.set('user', e.target.value);
                  else p.delete('user');
                  return p;
                })
              }
            >
              {session.username ? null : <option value="">(you)</option>}
              {users.data.map((u) => (
                <option key={u.id} value={u.username}>
                  {u.username}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <Button
          variant="primary"
          className={session.isAdmin && users.data ? '' : 'ml-auto'}
          onClick={() => setCreating(true)}
          disabled={isMissingRoute(tokens.error)}
        >
          New token
        </Button>
      </div>
      {isMissingRoute(tokens.error) ? (
        <MissingRouteNote route="GET /api/2.0/loupe/tokens/list" what="API tokens" />
      ) : tokens.error ? (
        <ErrorBanner error={tokens.error} />
      ) : tokens.isPending ? (
        <Spinner label="Loading tokens" />
      ) : tokens.data.length === 0 ? (
        <EmptyState title="No API tokens" hint="Create one for a script or a CI job instead of sharing a password." />
      ) : (
        <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <table className="w-full text-sm" aria-label="API tokens">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Token</th>
                <th className="px-4 py-2 font-medium">State</th>
                <th className="px-4 py-2 font-medium">Created</th>
                <th className="px-4 py-2 font-medium">Last used</th>
                <th className="px-4 py-2 font-medium">Expires</th>
                <th className="px-4 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sortTokens(tokens.data, now).map((t) => {
                const state = tokenState(t, now);
                return (
                  <tr key={t.token_id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
                    <td className="px-4 py-2.5 font-medium">{t.name}</td>
                    <td className="px-4 py-2.5 font-mono text-xs">{t.token_prefix}…</td>
                    <td className="px-4 py-2.5">
                      <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATE_STYLE[state]}`}>{state}</span>
                    </td>
                    <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{when(t.created_at, '', now)}</td>
                    <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{when(t.last_used_at, 'never', now)}</td>
                    <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{when(t.expires_at, 'never', now)}</td>
                    <td className="px-4 py-2.5 text-right">
                      {state === 'active' ? (
                        <Button size="sm" variant="ghost" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>
                          Revoke
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {creating ? <NewTokenDialog forUser={forUser} self={session.username} onClose={() => setCreating(false)} /> : null}
      {revoking ? <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} /> : null}
    </section>
  );
}
