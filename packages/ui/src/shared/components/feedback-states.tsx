import { ApiRequestError } from '../api/http-client';

/**
 * An error from a query or mutation, with MLflow's error code when there is one.
 *
 * @example
 * {query.error ? <ErrorBanner error={query.error} /> : null}
 */
export function ErrorBanner({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiRequestError ? error.errorCode : undefined;
  return (
    <div
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300"
    >
      <span className="font-medium">{title}</span>
      {code ? <span className="ml-2 font-mono text-xs opacity-80">{code}</span> : null}
      <div className="mt-0.5 break-words">{message}</div>
    </div>
  );
}

/**
 * A placeholder for a list with nothing in it yet.
 *
 * @example
 * <EmptyState title="No traces yet" hint="Send spans to /v1/traces" />
 */
export function EmptyState({ title, hint, children }: { title: string; hint?: React.ReactNode; children?: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 rounded-lg border border-dashed border-zinc-300 px-6 py-12 text-center dark:border-zinc-700">
      <div className="text-sm font-medium text-zinc-700 dark:text-zinc-200">{title}</div>
      {hint ? <div className="max-w-md text-sm text-zinc-500 dark:text-zinc-400">{hint}</div> : null}
      {children}
    </div>
  );
}

/**
 * A small spinner with an accessible label.
 *
 * @example
 * <Spinner label="Loading traces" />
 */
export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <span role="status" className="inline-flex items-center gap-2 text-sm text-zinc-500 dark:text-zinc-400">
      <span className="size-3.5 animate-spin rounded-full border-2 border-zinc-300 border-t-indigo-500 dark:border-zinc-600" aria-hidden />
      {label}
    </span>
  );
}
