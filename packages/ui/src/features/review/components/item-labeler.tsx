import type { Assessment, LabelSchema, ReviewQueueItem, TraceInfoV3 } from '@loupe/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';
import { apiRequest } from '../../../shared/api/http-client';
import { Button } from '../../../shared/components/button';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { traceKeys } from '../../traces/hooks/use-traces';
import { useSetItemStatus } from '../hooks/use-review';
import { checkAnswer, labelKind, planLabels, type CreateAssessmentBody, type QuestionDraft } from '../lib/label-values';
import { reviewKeyAction, targetQuestion, type QuestionKeys, type ReviewKeyAction } from '../lib/review-keys';
import { LabelForm, questionIds } from './label-form';

function focusById(id: string) {
  document.getElementById(id)?.focus();
}

/** Where the focus is, as the key handler sees it. */
function focusField(el: Element | null): 'input' | 'textarea' | 'none' {
  if (el instanceof HTMLTextAreaElement) return 'textarea';
  if (el instanceof HTMLInputElement && el.type !== 'checkbox' && el.type !== 'radio') return 'input';
  return 'none';
}

/** The labeling view's callbacks into the queue. */
export interface ItemLabelerEvents {
  /** The item's status changed (submitted or declined): go on to the next pending item. */
  onAdvance: (item: ReviewQueueItem) => void;
  onSkip: () => void;
  onMove: (delta: 1 | -1) => void;
  onHelp: () => void;
  /** The answers as edited, kept by the queue view while the reviewer moves between items. */
  onDraftsChange: (drafts: Record<string, QuestionDraft>) => void;
}

/**
 * The form of one queue item, keyboard-first (review-keys.ts): one input per question, prefilled
 * with the trace's HUMAN labels (or the answers left when moving away). Submitting logs each answered
 * question as a HUMAN assessment (by planLabels: the reviewer's unchanged labels are not logged twice,
 * so a retry after an error logs only what is missing), then marks the item COMPLETE by the reviewer.
 * Nothing can be submitted twice while saving, and server errors stay on screen.
 *
 * @example
 * <ItemLabeler key={item.item_id} item={item} info={info} schemas={schemas} reviewer="alice" queueId={queueId} initialDrafts={drafts} {...events} />
 */
export function ItemLabeler({
  queueId,
  item,
  info,
  schemas,
  reviewer,
  initialDrafts,
  onAdvance,
  onSkip,
  onMove,
  onHelp,
  onDraftsChange,
}: {
  queueId: string;
  item: ReviewQueueItem;
  /** The trace's info (its assessments), or undefined when the trace cannot be read. */
  info: TraceInfoV3 | undefined;
  schemas: LabelSchema[];
  reviewer: string;
  initialDrafts: Record<string, QuestionDraft>;
} & ItemLabelerEvents) {
  const traceId = item.item_id;
  const qc = useQueryClient();
  const [drafts, setDrafts] = useState(initialDrafts);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [focused, setFocused] = useState<number | undefined>();
  const setStatus = useSetItemStatus(queueId);
  const save = useMutation({
    mutationFn: async (requests: CreateAssessmentBody[]) => {
      for (const body of requests) {
        const { assessment } = await apiRequest<{ assessment: Assessment }>('POST', `3.0/mlflow/traces/${encodeURIComponent(traceId)}/assessments`, { body });
        // Known at once, so a retry after a later failure does not log this label again.
        qc.setQueryData<TraceInfoV3>(traceKeys.info(traceId), (old) =>
          old
            ? {
                ...old,
                assessments: [...(old.assessments ?? []).map((a) => (a.assessment_id === body.assessment.overrides ? { ...a, valid: false } : a)), assessment],
              }
            : old,
        );
      }
      return (await setStatus.mutateAsync({ itemId: traceId, status: 'COMPLETE', completedBy: reviewer })).item;
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ['traces', 'search'] }),
  });
  const busy = save.isPending || setStatus.isPending;
  const answered = schemas.map((s) => checkAnswer(s, (drafts[s.schema_id] ?? initialDrafts[s.schema_id])!.answer).state === 'value');
  const target = targetQuestion(focused, answered);
  const questionKeys: QuestionKeys[] = schemas.map((s) => ({
    kind: labelKind(s),
    options: s.input.categorical?.options.length ?? 0,
    comment: s.enable_comment,
  }));

  // The first question to answer has the keys when the item opens.
  const [firstTarget] = useState(() => targetQuestion(undefined, answered));
  useEffect(() => focusById(questionIds(firstTarget).box), [firstTarget]);

  const change = (schemaId: string, draft: QuestionDraft) => {
    const next = { ...drafts, [schemaId]: draft };
    setDrafts(next);
    onDraftsChange(next);
  };
  const focusNext = (q: number) => {
    if (q + 1 < schemas.length) focusById(questionIds(q + 1).box);
  };

  const submit = () => {
    const plan = planLabels(schemas, drafts, info?.assessments ?? [], { traceId, reviewer });
    setErrors(plan.errors);
    if (Object.keys(plan.errors).length) return setProblem('Fix the answers marked in red first.');
    if (plan.answered === 0) return setProblem('Answer at least one question first, or skip (s) or decline (d) the item.');
    setProblem(null);
    save.mutate(plan.requests, { onSuccess: onAdvance });
  };
  const decline = () =>
    setStatus.mutate({ itemId: traceId, status: 'DECLINED', completedBy: reviewer }, { onSuccess: ({ item: updated }) => onAdvance(updated) });

  const act = (action: ReviewKeyAction, focusedEl: HTMLElement | null) => {
    const schema = (q: number) => schemas[q]!;
    const draftOf = (q: number) => drafts[schema(q).schema_id]!;
    // While saving, only the help opens: nothing may change under a label being logged.
    if (busy && action.type !== 'help') return;
    switch (action.type) {
      case 'pass-fail':
        change(schema(action.question).schema_id, { ...draftOf(action.question), answer: { kind: 'pass_fail', value: action.pass } });
        return focusNext(action.question);
      case 'option': {
        const s = schema(action.question);
        const options = s.input.categorical?.options ?? [];
        const option = options[action.option]!;
        const current = draftOf(action.question).answer;
        const picked = current.kind === 'categorical' ? current.value : [];
        const multi = s.input.categorical?.multi_select ?? false;
        const next = multi ? (picked.includes(option) ? picked.filter((o) => o !== option) : [...picked, option]) : [option];
        change(s.schema_id, { ...draftOf(action.question), answer: { kind: 'categorical', value: options.filter((o) => next.includes(o)) } });
        return multi ? undefined : focusNext(action.question);
      }
      case 'type-into': {
        const d = draftOf(action.question);
        // A number starts afresh; text goes on from what is there.
        const value = d.answer.kind === 'text' ? d.answer.value + action.text : action.text;
        // In the box before it has the focus, so the next keys go on after this one.
        flushSync(() =>
          change(schema(action.question).schema_id, { ...d, answer: d.answer.kind === 'text' ? { kind: 'text', value } : { kind: 'numeric', value } }),
        );
        return focusById(questionIds(action.question).input);
      }
      case 'comment':
        return focusById(questionIds(action.question).comment);
      case 'submit':
        return submit();
      case 'skip':
        return onSkip();
      case 'decline':
        return decline();
      case 'move':
        return onMove(action.delta);
      case 'help':
        return onHelp();
      case 'escape': {
        // Out of a text box: back to its question, where the keys act again.
        const box = focusedEl?.closest<HTMLElement>('[data-question]');
        if (box && box !== focusedEl) box.focus();
        return;
      }
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const el = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      // The span tree has its own arrows; dialogs (help, reviewer name) their own keys.
      if (el?.closest('[role="tree"], dialog')) return;
      const field = focusField(el);
      // Enter and Space on a button or link press it.
      if (field === 'none' && el?.matches('button, a, summary, select') && (e.key === 'Enter' || e.key === ' ')) return;
      const box = el?.closest<HTMLElement>('[data-question]')?.dataset.question;
      const current = targetQuestion(box !== undefined ? Number(box) : undefined, answered);
      const action = reviewKeyAction({ key: e.key, field, shift: e.shiftKey, modified: e.ctrlKey || e.metaKey || e.altKey }, questionKeys, current);
      if (!action) return;
      e.preventDefault();
      act(action, el);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const error = save.error ?? setStatus.error;
  return (
    <form
      aria-label="Labels"
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onFocus={(e) => {
        const box = (e.target as HTMLElement).closest<HTMLElement>('[data-question]')?.dataset.question;
        setFocused(box !== undefined ? Number(box) : undefined);
      }}
    >
      <LabelForm schemas={schemas} drafts={drafts} onChange={change} errors={errors} disabled={busy} target={target} />
      {problem ? (
        <p role="alert" className="text-sm text-amber-700 dark:text-amber-300">
          {problem}
        </p>
      ) : null}
      {error ? <ErrorBanner error={error} title="Not saved: your answers are still here, submit again" /> : null}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" variant="primary" disabled={busy}>
          {save.isPending ? 'Saving…' : 'Submit'} <span className="text-[10px] opacity-70">Enter</span>
        </Button>
        <Button disabled={busy} onClick={onSkip}>
          Skip <span className="text-[10px] opacity-60">s</span>
        </Button>
        <Button disabled={busy} onClick={decline}>
          {setStatus.isPending && !save.isPending ? 'Declining…' : 'Decline'} <span className="text-[10px] opacity-60">d</span>
        </Button>
        <span className="ml-auto text-xs text-zinc-500">
          as <span className="font-medium">{reviewer}</span>
        </span>
      </div>
    </form>
  );
}
