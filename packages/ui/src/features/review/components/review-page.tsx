import type { LabelSchema } from '@loupe/protocol';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { formatRelative } from '../../../shared/lib/format';
import { useLabelSchemaMutations, useLabelSchemas, useReviewProgress, useReviewQueueMutations, useReviewQueues } from '../hooks/use-review';
import { describeInput } from '../lib/schema-form';
import { ReviewProgressBar } from './progress-bar';
import { LabelSchemaDialog } from './label-schema-dialog';
import { ReviewQueueDialog } from './review-queue-dialog';

const TH = 'px-3 py-2 text-left text-xs font-medium text-zinc-500 uppercase dark:text-zinc-400';
const TD = 'px-3 py-2 align-top';
const TABLE = 'w-full overflow-hidden rounded-lg border border-zinc-200 bg-white text-sm dark:border-zinc-800 dark:bg-zinc-900';
const ROW = 'border-t border-zinc-100 dark:border-zinc-800';

/** A section of the Review tab: its heading, a hint and a "New" button, its errors, then its table (or a spinner, or `empty`). */
function TableSection({
  label,
  hint,
  newLabel,
  onNew,
  errors,
  pending,
  loadingLabel,
  empty,
  columns,
  children,
}: {
  label: string;
  hint: string;
  newLabel: string;
  onNew: () => void;
  errors: { error: unknown; title: string }[];
  pending: boolean;
  loadingLabel: string;
  /** Shown instead of the table when there are no rows; undefined when there are. */
  empty: React.ReactNode | undefined;
  columns: readonly string[];
  children: React.ReactNode;
}) {
  return (
    <>
      <div className="flex items-center gap-2">
        <h2 className="text-sm font-semibold">{label}</h2>
        <span className="text-xs text-zinc-500">{hint}</span>
        <Button size="sm" variant="primary" className="ml-auto" onClick={onNew}>
          {newLabel}
        </Button>
      </div>
      {errors.map(({ error, title }) => (error ? <ErrorBanner key={title} error={error} title={title} /> : null))}
      {pending ? (
        <Spinner label={loadingLabel} />
      ) : empty !== undefined ? (
        empty
      ) : (
        <table className={TABLE}>
          <thead className="bg-zinc-50 dark:bg-zinc-900">
            <tr>
              {columns.map((c, i) => (
                <th key={i} className={TH}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      )}
    </>
  );
}

/** A row's Delete button: asks first (the browser's confirm), then deletes. */
function DeleteButton({ name, question, pending, onDelete }: { name: string; question: string; pending: boolean; onDelete: () => void }) {
  return (
    <Button
      size="sm"
      variant="ghost"
      aria-label={`Delete ${name}`}
      disabled={pending}
      onClick={() => {
        if (window.confirm(question)) onDelete();
      }}
    >
      Delete
    </Button>
  );
}

function SchemasSection({ experimentId }: { experimentId: string }) {
  const schemas = useLabelSchemas(experimentId);
  const { remove } = useLabelSchemaMutations(experimentId);
  const [editing, setEditing] = useState<LabelSchema | undefined>();
  const [open, setOpen] = useState(false);
  const edit = (s: LabelSchema | undefined) => {
    setEditing(s);
    setOpen(true);
  };
  return (
    <section aria-label="Label schemas" className="flex flex-col gap-2">
      <TableSection
        label="Label schemas"
        hint="the questions reviewers answer; each answer is a HUMAN assessment named after its question"
        newLabel="New label schema"
        onNew={() => edit(undefined)}
        errors={[
          { error: schemas.error, title: 'Label schemas could not be read' },
          { error: remove.error, title: 'Not deleted' },
        ]}
        pending={schemas.isPending}
        loadingLabel="Loading label schemas"
        empty={
          schemas.data?.length ? undefined : (
            <EmptyState
              title="No label schemas yet"
              hint="Create the questions first (pass/fail, a score, a category, free text), then a queue that asks them."
            />
          )
        }
        columns={['Name', 'Kind', 'Input', 'Instruction', 'Comment', '']}
      >
        {schemas.data?.map((s) => (
          <tr key={s.schema_id} aria-label={s.name} className={ROW}>
            <td className={`${TD} font-medium`}>{s.name}</td>
            <td className={`${TD} text-xs text-zinc-500`}>{s.type === 'EXPECTATION' ? 'Expectation' : 'Feedback'}</td>
            <td className={TD}>{describeInput(s.input)}</td>
            <td className={`${TD} max-w-72 truncate text-zinc-500`} title={s.instruction}>
              {s.instruction || '—'}
            </td>
            <td className={`${TD} text-xs`}>{s.enable_comment ? 'yes' : 'no'}</td>
            <td className={`${TD} text-right whitespace-nowrap`}>
              <Button size="sm" variant="ghost" onClick={() => edit(s)} aria-label={`Edit ${s.name}`}>
                Edit
              </Button>
              <DeleteButton
                name={s.name}
                question={`Delete the label schema “${s.name}”? It leaves every queue; labels already logged stay on their traces.`}
                pending={remove.isPending}
                onDelete={() => remove.mutate(s.schema_id)}
              />
            </td>
          </tr>
        ))}
      </TableSection>
      <LabelSchemaDialog experimentId={experimentId} schema={editing} open={open} onClose={() => setOpen(false)} />
    </section>
  );
}

function QueuesSection({ experimentId }: { experimentId: string }) {
  const queues = useReviewQueues(experimentId);
  const schemas = useLabelSchemas(experimentId);
  const progress = useReviewProgress((queues.data ?? []).map((q) => q.queue_id));
  const { remove } = useReviewQueueMutations(experimentId);
  const [open, setOpen] = useState(false);
  const schemaName = new Map((schemas.data ?? []).map((s) => [s.schema_id, s.name]));
  return (
    <section aria-label="Review queues" className="flex flex-col gap-2">
      <TableSection
        label="Review queues"
        hint="add traces from the Traces tab (select rows, then “Add to review queue”)"
        newLabel="New queue"
        onNew={() => setOpen(true)}
        errors={[
          { error: queues.error, title: 'Review queues could not be read' },
          { error: progress.error, title: 'Progress could not be read' },
          { error: remove.error, title: 'Not deleted' },
        ]}
        pending={queues.isPending}
        loadingLabel="Loading review queues"
        empty={
          queues.data?.length ? undefined : <EmptyState title="No review queues yet" hint="A queue is a set of traces and the questions to answer on each." />
        }
        columns={['Queue', 'Questions', 'Progress', 'Created', '']}
      >
        {queues.data?.map((q) => (
          <tr key={q.queue_id} aria-label={q.name} className={ROW}>
            <td className={TD}>
              <Link to={q.queue_id} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                {q.name}
              </Link>
              {q.queue_type === 'USER' ? <span className="ml-2 text-[10px] text-zinc-400 uppercase">personal</span> : null}
            </td>
            <td className={`${TD} text-zinc-600 dark:text-zinc-300`}>
              {q.queue_type === 'USER' ? 'every question' : (q.schema_ids ?? []).map((id) => schemaName.get(id) ?? id).join(', ') || '—'}
            </td>
            <td className={TD}>
              <ReviewProgressBar progress={progress.data?.get(q.queue_id)} label={`Progress of ${q.name}`} />
            </td>
            <td className={`${TD} text-xs text-zinc-500`}>
              {formatRelative(q.creation_time_ms)}
              {q.created_by ? ` by ${q.created_by}` : ''}
            </td>
            <td className={`${TD} text-right whitespace-nowrap`}>
              <Link to={q.queue_id} className="mr-1 text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                Label
              </Link>
              <DeleteButton
                name={q.name}
                question={`Delete the queue “${q.name}” and its items? Labels already logged stay on their traces.`}
                pending={remove.isPending}
                onDelete={() => remove.mutate(q.queue_id)}
              />
            </td>
          </tr>
        ))}
      </TableSection>
      <ReviewQueueDialog experimentId={experimentId} schemas={schemas.data ?? []} open={open} onClose={() => setOpen(false)} />
    </section>
  );
}

/**
 * An experiment's Review tab: its label schemas (the questions, created, edited and deleted here) and
 * review queues with how far each has come; a queue opens its labeling view.
 *
 * @example
 * { path: 'review', lazy: async () => ({ Component: (await import('…/review-page')).ReviewPage }) }
 */
export function ReviewPage() {
  const { experimentId = '' } = useParams();
  return (
    <div className="flex flex-col gap-6 p-4">
      <QueuesSection experimentId={experimentId} />
      <SchemasSection experimentId={experimentId} />
    </div>
  );
}
