/** Tones a badge can take. */
export type BadgeTone = 'green' | 'red' | 'amber' | 'blue' | 'zinc' | 'indigo';

const TONES: Record<BadgeTone, string> = {
  green: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-400 dark:ring-emerald-400/20',
  red: 'bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-400 dark:ring-red-400/20',
  amber: 'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/20',
  blue: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-400/20',
  indigo: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20 dark:bg-indigo-500/10 dark:text-indigo-300 dark:ring-indigo-400/20',
  zinc: 'bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-400/20',
};

/**
 * A small pill label.
 *
 * @example
 * <Badge tone="green">OK</Badge>
 */
export function Badge({ tone = 'zinc', children, title }: { tone?: BadgeTone; children: React.ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

/**
 * The tone of a trace, span or run status.
 *
 * @example
 * statusTone('ERROR'); // 'red'
 */
export function statusTone(status: string | undefined): BadgeTone {
  switch (status) {
    case 'OK':
    case 'FINISHED':
      return 'green';
    case 'ERROR':
    case 'FAILED':
      return 'red';
    case 'IN_PROGRESS':
    case 'RUNNING':
      return 'blue';
    case 'KILLED':
    case 'SCHEDULED':
      return 'amber';
    default:
      return 'zinc';
  }
}

/** Human labels for statuses. */
const STATUS_LABELS: Record<string, string> = { OK: 'OK', IN_PROGRESS: 'In progress', STATE_UNSPECIFIED: 'Unknown', UNSET: 'Unset' };

/**
 * A status pill (trace state, span status or run status), colored by meaning.
 *
 * @example
 * <StatusBadge status="IN_PROGRESS" />
 */
export function StatusBadge({ status }: { status: string | undefined }) {
  const s = status ?? 'STATE_UNSPECIFIED';
  const label = STATUS_LABELS[s] ?? s.charAt(0) + s.slice(1).toLowerCase();
  return (
    <Badge tone={statusTone(s)}>
      {s === 'IN_PROGRESS' || s === 'RUNNING' ? <span className="size-1.5 animate-pulse rounded-full bg-current" aria-hidden /> : null}
      {label}
    </Badge>
  );
}
