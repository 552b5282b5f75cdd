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
      <div className="flex items-center gap-2">
        <h2 className="text-sm font-semibold">Label schemas</h2>
        <span className="text-xs text-zinc-500">the questions reviewers answer; each answer is a HUMAN assessment named after its question</span>
        <Button size="sm" variant="primary" className="ml-auto" onClick={() => edit(undefined)}>
          New label schema
        </Button>
      </div>
      {schemas.error ? <ErrorBanner error={schemas.error} title="Label schemas could not be read" /> : null}
      {remove.error ? <ErrorBanner error={remove.error} title="Not deleted" /> : null}
      {schemas.isPending ? (
        <Spinner label="Loading label schemas" />
      ) : !schemas.data?.length ? (
        <EmptyState title="No label schemas yet" hint="Create the questions first (pass/fail, a score, a category, free text), then a queue that asks them." />
      ) : (
        <table className={TABLE}>
          <thead className="bg-zinc-50 dark:bg-zinc-900">
            <tr>
              <th className={TH}>Name</th>
              <th className={TH}>Kind</th>
              <th className={TH}>Input</th>
              <th className={TH}>Instruction</th>
              <th className={TH}>Comment</th>
              <th className={TH} />
            </tr>
          </thead>
          <tbody>
            {schemas.data.map((s) => (
              <tr key={s.schema_id} aria-label={s.name} className="border-t border-zinc-100 dark:border-zinc-800">
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
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Delete ${s.name}`}
                    disabled={remove.isPending}
                    onClick={() => {
                      if (window.confirm(`Delete the label schema “${s.name}”? It leaves every queue; labels already logged stay on their traces.`))
                        remove.mutate(s.schema_id);
                    }}
                  >
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
      <div className="flex items-center gap-2">
        <h2 className="text-sm font-semibold">Review queues</h2>
        <span className="text-xs text-zinc-500">add traces from the Traces tab (select rows, then “Add to review queue”)</span>
        <Button size="sm" variant="primary" className="ml-auto" onClick={() => setOpen(true)}>
          New queue
        </Button>
      </div>
      {queues.error ? <ErrorBanner error={queues.error} title="Review queues could not be read" /> : null}
      {progress.error ? <ErrorBanner error={progress.error} title="Progress could not be read" /> : null}
      {remove.error ? <ErrorBanner error={remove.error} title="Not deleted" /> : null}
      {queues.isPending ? (
        <Spinner label="Loading review queues" />
      ) : !queues.data?.length ? (
        <EmptyState title="No review queues yet" hint="A queue is a set of traces and the questions to answer on each." />
      ) : (
        <table className={TABLE}>
          <thead className="bg-zinc-50 dark:bg-zinc-900">
            <tr>
              <th className={TH}>Queue</th>
              <th className={TH}>Questions</th>
              <th className={TH}>Progress</th>
              <th className={TH}>Created</th>
              <th className={TH} />
            </tr>
          </thead>
          <tbody>
            {queues.data.map((q) => (
              <tr key={q.queue_id} aria-label={q.name} className="border-t border-zinc-100 dark:border-zinc-800">
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
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Delete ${q.name}`}
                    disabled={remove.isPending}
                    onClick={() => {
                      if (window.confirm(`Delete the queue “${q.name}” and its items? Labels already logged stay on their traces.`)) remove.mutate(q.queue_id);
                    }}
                  >
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
