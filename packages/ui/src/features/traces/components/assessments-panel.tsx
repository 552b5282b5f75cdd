import type { Assessment } from '@loupe/protocol';
import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { ThumbIcon } from '../../../shared/components/thumb-icon';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useTraceMutations } from '../hooks/use-traces';
import { assessmentSentiment, assessmentValueText } from '../lib/trace-info';

const REVIEWER_KEY = 'loupe.reviewer';

function readReviewer(): string {
  try {
    return localStorage.getItem(REVIEWER_KEY) ?? '';
  } catch {
    return '';
  }
}

function AssessmentItem({ a, onDelete }: { a: Assessment; onDelete: () => void }) {
  const sentiment = assessmentSentiment(a);
  const tone =
    sentiment === 'positive'
      ? 'text-emerald-600 dark:text-emerald-400'
      : sentiment === 'negative'
        ? 'text-red-600 dark:text-red-400'
        : 'text-zinc-700 dark:text-zinc-200';
  return (
    <li className={`rounded-md border border-zinc-200 px-3 py-2 dark:border-zinc-800 ${a.valid ? '' : 'opacity-50'}`}>
      <div className="flex items-center gap-2 text-sm">
        <span className="font-medium">{a.assessment_name}</span>
        <span className={`inline-flex items-center gap-1 font-mono text-xs ${tone}`}>
          {sentiment !== 'neutral' ? <ThumbIcon down={sentiment === 'negative'} className="size-3.5" /> : null}
          {assessmentValueText(a)}
        </span>
        {a.expectation ? <span className="text-[10px] text-zinc-400 uppercase">expectation</span> : null}
        {!a.valid ? <span className="text-[10px] text-zinc-400 uppercase">overridden</span> : null}
        <button
          type="button"
          onClick={onDelete}
          className="ml-auto text-xs text-zinc-400 hover:text-red-600"
          aria-label={`Delete assessment ${a.assessment_name}`}
        >
          Delete
        </button>
      </div>
      {a.rationale ? <p className="mt-1 text-[13px] whitespace-pre-wrap text-zinc-600 dark:text-zinc-300">{a.rationale}</p> : null}
      <p className="mt-1 text-[11px] text-zinc-400" title={formatTimestamp(a.create_time)}>
        {a.source.source_type} · {a.source.source_id} · {formatRelative(a.create_time)}
        {a.span_id ? ` · span ${a.span_id}` : ''}
      </p>
    </li>
  );
}

function FeedbackForm({ traceId, spanId }: { traceId: string; spanId: string | undefined }) {
  const { addFeedback } = useTraceMutations(traceId);
  const [value, setValue] = useState<boolean | null>(null);
  const [comment, setComment] = useState('');
  const [name, setName] = useState('user_feedback');
  const [reviewer, setReviewer] = useState(readReviewer);
  const [onSpan, setOnSpan] = useState(false);
  const submit = () => {
    if (value === null) return;
    const sourceId = reviewer.trim() || 'loupe-ui';
    try {
      localStorage.setItem(REVIEWER_KEY, reviewer.trim());
    } catch {
      // Not remembered in private mode.
    }
    addFeedback.mutate(
      { name: name.trim() || 'user_feedback', value, rationale: comment.trim(), sourceId, ...(onSpan && spanId ? { spanId } : {}) },
      {
        onSuccess: () => {
          setValue(null);
          setComment('');
        },
      },
    );
  };
  const thumb = (v: boolean) =>
    `flex h-9 flex-1 items-center justify-center gap-1.5 rounded-md border text-sm font-medium transition-colors ${
      value === v
        ? v
          ? 'border-emerald-500 bg-emerald-50 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300'
          : 'border-red-500 bg-red-50 text-red-700 dark:bg-red-500/15 dark:text-red-300'
        : 'border-zinc-300 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800'
    }`;
  return (
    <form
      aria-label="Add feedback"
      className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3 className="text-xs font-semibold text-zinc-500 uppercase">Add feedback</h3>
      <div className="flex gap-2">
        <button type="button" aria-pressed={value === true} onClick={() => setValue(true)} className={thumb(true)}>
          <ThumbIcon /> Good
        </button>
        <button type="button" aria-pressed={value === false} onClick={() => setValue(false)} className={thumb(false)}>
          <ThumbIcon down /> Bad
        </button>
      </div>
      <textarea
        aria-label="Feedback comment"
        placeholder="Comment (optional): what was right or wrong?"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        rows={2}
        className={`${INPUT_CLASS} h-auto py-1.5`}
      />
      <div className="flex flex-wrap items-center gap-2">
        <TextInput aria-label="Feedback name" value={name} onChange={(e) => setName(e.target.value)} className="h-7 w-36 text-xs" />
        <TextInput aria-label="Your name" placeholder="Your name" value={reviewer} onChange={(e) => setReviewer(e.target.value)} className="h-7 w-32 text-xs" />
        {spanId ? (
          <label className="flex items-center gap-1 text-xs text-zinc-500">
            <input type="checkbox" checked={onSpan} onChange={(e) => setOnSpan(e.target.checked)} /> on the selected span
          </label>
        ) : null}
        <Button size="sm" variant="primary" type="submit" disabled={value === null || addFeedback.isPending} className="ml-auto">
          {addFeedback.isPending ? 'Saving…' : 'Save feedback'}
        </Button>
      </div>
      {addFeedback.error ? <ErrorBanner error={addFeedback.error} title="Feedback not saved" /> : null}
    </form>
  );
}

/**
 * A trace's assessments (feedback and expectations, from people, judges and code), and a form to add
 * human feedback: thumbs up or down with a comment, stored as a HUMAN assessment.
 *
 * @example
 * <AssessmentsPanel traceId={info.trace_id} assessments={info.assessments ?? []} spanId={selected} />
 */
export function AssessmentsPanel({ traceId, assessments, spanId }: { traceId: string; assessments: Assessment[]; spanId?: string | undefined }) {
  const { deleteAssessment } = useTraceMutations(traceId);
  return (
    <section aria-label="Assessments" className="flex flex-col gap-3 p-4">
      <FeedbackForm traceId={traceId} spanId={spanId} />
      <div>
        <h3 className="mb-2 text-xs font-semibold text-zinc-500 uppercase">Assessments ({assessments.length})</h3>
        {assessments.length === 0 ? <p className="text-sm text-zinc-400">No feedback or expectations yet.</p> : null}
        <ul className="flex flex-col gap-2">
          {assessments.map((a) => (
            <AssessmentItem key={a.assessment_id} a={a} onDelete={() => deleteAssessment.mutate(a.assessment_id)} />
          ))}
        </ul>
      </div>
    </section>
  );
}
