import type { LabelSchema, ReviewQueueItem } from '@loupe/protocol';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { Badge } from '../../../shared/components/status-badge';
import { TextInput } from '../../../shared/components/text-input';
import { useTraceInfo } from '../../traces/hooks/use-traces';
import { useLabelSchemas, useReviewItems, useReviewProgress, useReviewQueue } from '../hooks/use-review';
import { useReviewer } from '../hooks/use-reviewer';
import { prefillDrafts, type QuestionDraft } from '../lib/label-values';
import { nextPendingIndex, REVIEW_SHORTCUTS, reviewKeyAction } from '../lib/review-keys';
import { ItemLabeler, type ItemLabelerEvents } from './item-labeler';
import { ReviewProgressBar } from './progress-bar';
import { ReviewItemTrace } from './review-item-trace';

function ReviewerDialog({ open, current, onSave, onClose }: { open: boolean; current: string; onSave: (name: string) => void; onClose: () => void }) {
  const [name, setName] = useState(current);
  return (
    <Dialog open={open} title="Who is reviewing?" onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) onSave(name);
        }}
      >
        <p className="text-sm text-zinc-600 dark:text-zinc-300">Your labels are logged under this name (asked once, kept in this browser).</p>
        <TextInput autoFocus aria-label="Reviewer name" value={name} onChange={(e) => setName(e.target.value)} maxLength={250} placeholder="e.g. alice" />
        <div className="flex justify-end">
          <Button type="submit" variant="primary" disabled={!name.trim()}>
            Start reviewing
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose}>
      <table className="w-full text-sm">
        <tbody>
          {REVIEW_SHORTCUTS.map(([keys, what]) => (
            <tr key={keys} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
              <th scope="row" className="py-1 pr-3 text-left font-mono text-xs font-normal whitespace-nowrap text-zinc-500">
                {keys}
              </th>
              <td className="py-1">{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="mt-3 flex justify-end">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Dialog>
  );
}

const STATUS_TONE = { PENDING: 'amber', COMPLETE: 'green', DECLINED: 'zinc' } as const;

/** One item: its trace beside the questions, once the trace's labels are read (they prefill the form). */
function ItemView({
  experimentId,
  queueId,
  item,
  schemas,
  reviewer,
  drafts,
  events,
}: {
  experimentId: string;
  queueId: string;
  item: ReviewQueueItem;
  schemas: LabelSchema[];
  reviewer: string;
  drafts: Record<string, QuestionDraft> | undefined;
  events: ItemLabelerEvents;
}) {
  const info = useTraceInfo(item.item_id);
  return (
    <div className="grid min-h-0 flex-1 grid-cols-[minmax(0,1fr)_26rem] gap-4 overflow-hidden">
      <div className="min-h-0 overflow-auto rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <ReviewItemTrace experimentId={experimentId} traceId={item.item_id} />
      </div>
      <aside aria-label="Questions" className="min-h-0 overflow-auto rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mb-3 flex items-center gap-2 text-xs text-zinc-500">
          <Badge tone={STATUS_TONE[item.status]}>{item.status.toLowerCase()}</Badge>
          {item.completed_by ? <span>by {item.completed_by}</span> : null}
        </div>
        {info.isPending ? (
          <Spinner label="Loading labels" />
        ) : (
          <ItemLabeler
            key={item.item_id}
            queueId={queueId}
            item={item}
            info={info.data}
            schemas={schemas}
            reviewer={reviewer}
            initialDrafts={drafts ?? prefillDrafts(schemas, info.data?.assessments ?? [], reviewer)}
            {...events}
          />
        )}
      </aside>
    </div>
  );
}

/**
 * A review queue's labeling view, keyboard-first: progress at the top, then one item at a time (the
 * first pending one), its trace beside the questions. Submitting, skipping and declining go on to the
 * next pending item; j/k move between all items (done ones show their labels); `?` lists the keys.
 * The reviewer's name is asked once and kept in the browser.
 *
 * @example
 * { path: 'review/:queueId', lazy: async () => ({ Component: (await import('…/labeling-page')).LabelingPage }) }
 */
export function LabelingPage() {
  const { experimentId = '', queueId = '' } = useParams();
  const queue = useReviewQueue(queueId);
  const schemas = useLabelSchemas(experimentId);
  const items = useReviewItems(queueId);
  const progress = useReviewProgress([queueId]);
  const [reviewer, setReviewer] = useReviewer();
  // Asked once: kept in the browser afterwards.
  const [askName, setAskName] = useState(!reviewer);
  const [help, setHelp] = useState(false);
  const [cursor, setCursor] = useState<string | undefined>();
  const [started, setStarted] = useState(false);
  const [skipped, setSkipped] = useState<ReadonlySet<string>>(() => new Set());
  const [drafts, setDrafts] = useState<Record<string, Record<string, QuestionDraft>>>({});
  const list = items.data ?? [];
  // Open on the first pending item once the items are read.
  if (!started && items.data) {
    setStarted(true);
    const first = nextPendingIndex(items.data, -1, new Set());
    setCursor(first >= 0 ? items.data[first]!.item_id : undefined);
  }
  const index = cursor === undefined ? -1 : list.findIndex((i) => i.item_id === cursor);
  const item = index >= 0 ? list[index] : undefined;
  const questions =
    queue.data && schemas.data
      ? queue.data.queue_type === 'USER'
        ? schemas.data
        : schemas.data.filter((s) => queue.data.schema_ids?.includes(s.schema_id))
      : undefined;

  const goNext = (updated: ReviewQueueItem | undefined, skip: boolean) => {
    const now = list.map((i) => (updated && i.item_id === updated.item_id ? updated : i));
    const nowSkipped = skip && item ? new Set([...skipped, item.item_id]) : skipped;
    if (skip) setSkipped(nowSkipped);
    const next = nextPendingIndex(now, index, nowSkipped);
    setCursor(next >= 0 ? now[next]!.item_id : undefined);
  };
  const move = (delta: 1 | -1) => {
    if (!list.length) return;
    const i = index < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + delta));
    setCursor(list[i]!.item_id);
  };
  const events: ItemLabelerEvents = {
    onAdvance: (updated) => {
      // Submitted or declined: the next visit shows what the server has.
      setDrafts(({ [updated.item_id]: _done, ...rest }) => rest);
      goNext(updated, false);
    },
    onSkip: () => goNext(undefined, true),
    onMove: move,
    onHelp: () => setHelp((h) => !h),
    onDraftsChange: (d) => item && setDrafts((all) => ({ ...all, [item.item_id]: d })),
  };

  // With no item open (all done), the keys still move between items and open the help.
  const hasItem = Boolean(item && questions && reviewer);
  useEffect(() => {
    if (hasItem) return;
    const onKey = (e: KeyboardEvent) => {
      if (document.activeElement?.closest('dialog, input, textarea')) return;
      const action = reviewKeyAction({ key: e.key, field: 'none', modified: e.ctrlKey || e.metaKey || e.altKey }, [], 0);
      if (action?.type === 'move') move(action.delta);
      else if (action?.type === 'help') setHelp((h) => !h);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const error = queue.error ?? schemas.error ?? items.error;
  const p = progress.data?.get(queueId);
  return (
    <div className="flex h-full min-h-0 flex-col gap-3 p-4">
      <div className="flex flex-wrap items-center gap-3">
        <Link to={`/experiments/${experimentId}/review`} className="text-xs text-zinc-500 hover:underline">
          ← Review
        </Link>
        <h2 className="text-base font-semibold">{queue.data?.name ?? '…'}</h2>
        <span className="text-xs text-zinc-500">{item ? `Item ${index + 1} of ${list.length}` : ''}</span>
        <div className="w-64">
          <ReviewProgressBar progress={p} label="Queue progress" />
        </div>
        <span className="ml-auto text-xs text-zinc-500">
          {reviewer ? (
            <>
              Reviewing as <span className="font-medium text-zinc-700 dark:text-zinc-200">{reviewer}</span>{' '}
              <button type="button" className="text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => setAskName(true)}>
                change
              </button>
            </>
          ) : null}
        </span>
        <Button size="sm" variant="ghost" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts">
          ? Shortcuts
        </Button>
      </div>
      {error ? <ErrorBanner error={error} title="The queue could not be read" /> : null}
      {progress.error ? <ErrorBanner error={progress.error} title="Progress could not be read" /> : null}
      {items.isPending || queue.isPending || schemas.isPending ? (
        <Spinner label="Loading the queue" />
      ) : list.length === 0 ? (
        <EmptyState title="This queue has no traces yet" hint="Select traces in the Traces tab, then “Add to review queue”." />
      ) : !item ? (
        <EmptyState
          title="All done"
          hint={`Every item of this queue is complete or declined${p ? ` (${p.complete} complete, ${p.declined} declined)` : ''}. j / k go through them again.`}
        />
      ) : questions && questions.length === 0 ? (
        <EmptyState title="This queue asks no questions" hint="Its label schemas were deleted; create a new queue with questions." />
      ) : !reviewer ? (
        <EmptyState title="Who is reviewing?" hint="Labels are logged under your name.">
          <Button variant="primary" onClick={() => setAskName(true)}>
            Set your name
          </Button>
        </EmptyState>
      ) : questions ? (
        <ItemView
          experimentId={experimentId}
          queueId={queueId}
          item={item}
          schemas={questions}
          reviewer={reviewer}
          drafts={drafts[item.item_id]}
          events={events}
        />
      ) : null}
      <ReviewerDialog
        open={askName}
        current={reviewer}
        onSave={(name) => {
          setReviewer(name);
          setAskName(false);
        }}
        onClose={() => setAskName(false)}
      />
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}
