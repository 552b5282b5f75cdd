import type { LabelSchema } from '@loupe/protocol';
import { INPUT_CLASS } from '../../../shared/components/text-input';
import { ThumbIcon } from '../../../shared/components/thumb-icon';
import type { LabelDraft, QuestionDraft } from '../lib/label-values';

/**
 * DOM ids of a question's parts, so the labeling view can move the focus by key.
 *
 * @example
 * document.getElementById(questionIds(0).input)?.focus();
 */
export const questionIds = (index: number) => ({ box: `review-q-${index}`, input: `review-q-${index}-input`, comment: `review-q-${index}-comment` });

const CHOICE = 'inline-flex h-8 items-center gap-1.5 rounded-md border px-2.5 text-sm font-medium transition-colors';
const OFF = 'border-zinc-300 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800';

function Kbd({ children }: { children: React.ReactNode }) {
  return (
    <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1 font-mono text-[10px] text-zinc-500 dark:border-zinc-700 dark:bg-zinc-800">{children}</kbd>
  );
}

function Answer({
  schema,
  index,
  answer,
  onChange,
  disabled,
}: {
  schema: LabelSchema;
  index: number;
  answer: LabelDraft;
  onChange: (a: LabelDraft) => void;
  disabled: boolean;
}) {
  const ids = questionIds(index);
  const { input } = schema;
  if (answer.kind === 'pass_fail' && input.pass_fail) {
    const choice = (pass: boolean, label: string, key: string) => (
      <button
        type="button"
        tabIndex={-1}
        disabled={disabled}
        aria-pressed={answer.value === pass}
        onClick={() => onChange({ kind: 'pass_fail', value: answer.value === pass ? null : pass })}
        className={`${CHOICE} ${
          answer.value === pass
            ? pass
              ? 'border-emerald-500 bg-emerald-50 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300'
              : 'border-red-500 bg-red-50 text-red-700 dark:bg-red-500/15 dark:text-red-300'
            : OFF
        }`}
      >
        <ThumbIcon down={!pass} className="size-3.5" /> {label} <Kbd>{key}</Kbd>
      </button>
    );
    return (
      <div className="flex gap-2">
        {choice(true, input.pass_fail.positive_label, '1')}
        {choice(false, input.pass_fail.negative_label, '2')}
      </div>
    );
  }
  if (answer.kind === 'categorical' && input.categorical) {
    const multi = input.categorical.multi_select ?? false;
    return (
      <div className="flex flex-wrap gap-1.5" role="group" aria-label={`${schema.name} options`}>
        {input.categorical.options.map((option, i) => {
          const on = answer.value.includes(option);
          const next = multi ? (on ? answer.value.filter((v) => v !== option) : [...answer.value, option]) : on ? [] : [option];
          return (
            <button
              key={option}
              type="button"
              tabIndex={-1}
              disabled={disabled}
              aria-pressed={on}
              onClick={() => onChange({ kind: 'categorical', value: input.categorical!.options.filter((o) => next.includes(o)) })}
              className={`${CHOICE} ${on ? 'border-indigo-500 bg-indigo-50 text-indigo-700 dark:bg-indigo-500/15 dark:text-indigo-300' : OFF}`}
            >
              {option} {i < 10 ? <Kbd>{(i + 1) % 10}</Kbd> : null}
            </button>
          );
        })}
      </div>
    );
  }
  if (answer.kind === 'numeric') {
    const { min_value: min, max_value: max } = input.numeric ?? {};
    return (
      <input
        id={ids.input}
        type="number"
        step="any"
        disabled={disabled}
        aria-label={`${schema.name} value`}
        value={answer.value}
        {...(min !== undefined ? { min } : {})}
        {...(max !== undefined ? { max } : {})}
        placeholder={min !== undefined && max !== undefined ? `${min} to ${max}` : 'a number'}
        onChange={(e) => onChange({ kind: 'numeric', value: e.target.value })}
        className={`${INPUT_CLASS} w-40`}
      />
    );
  }
  if (answer.kind === 'text') {
    return (
      <textarea
        id={ids.input}
        rows={2}
        disabled={disabled}
        aria-label={`${schema.name} value`}
        value={answer.value}
        {...(input.text?.max_length !== undefined ? { maxLength: input.text.max_length } : {})}
        onChange={(e) => onChange({ kind: 'text', value: e.target.value })}
        className={`${INPUT_CLASS} h-auto w-full py-1.5`}
      />
    );
  }
  return null;
}

/**
 * The questions of a queue for one trace: one input per label schema (pass/fail, categorical options,
 * a bounded number, free text) with its instruction, an optional comment where the schema takes one,
 * and the problems of each answer. Each question is a focusable box the keys answer (see review-keys.ts).
 *
 * @example
 * <LabelForm schemas={schemas} drafts={drafts} onChange={setDraft} errors={errors} disabled={saving} />
 */
export function LabelForm({
  schemas,
  drafts,
  onChange,
  errors,
  disabled,
  target,
}: {
  schemas: LabelSchema[];
  drafts: Record<string, QuestionDraft>;
  onChange: (schemaId: string, draft: QuestionDraft) => void;
  errors: Record<string, string>;
  disabled: boolean;
  /** The question the keys answer now (highlighted). */
  target: number;
}) {
  return (
    <div className="flex flex-col gap-3">
      {schemas.map((s, i) => {
        const draft = drafts[s.schema_id];
        if (!draft) return null;
        const ids = questionIds(i);
        return (
          <fieldset
            key={s.schema_id}
            id={ids.box}
            tabIndex={0}
            data-question={i}
            aria-label={s.name}
            className={`flex flex-col gap-2 rounded-lg border p-3 focus:outline-none ${
              i === target ? 'border-indigo-400 ring-2 ring-indigo-500/20 dark:border-indigo-500' : 'border-zinc-200 dark:border-zinc-800'
            }`}
          >
            <legend className="sr-only">{s.name}</legend>
            <div className="flex items-baseline gap-2">
              <span className="text-sm font-semibold">{s.name}</span>
              {s.type === 'EXPECTATION' ? <span className="text-[10px] text-zinc-400 uppercase">expectation</span> : null}
            </div>
            {s.instruction ? <p className="-mt-1 text-xs whitespace-pre-wrap text-zinc-500 dark:text-zinc-400">{s.instruction}</p> : null}
            <Answer schema={s} index={i} answer={draft.answer} disabled={disabled} onChange={(answer) => onChange(s.schema_id, { ...draft, answer })} />
            {s.enable_comment ? (
              <textarea
                id={ids.comment}
                rows={1}
                disabled={disabled}
                aria-label={`${s.name} comment`}
                placeholder="Comment (optional; c)"
                value={draft.comment}
                onChange={(e) => onChange(s.schema_id, { ...draft, comment: e.target.value })}
                className={`${INPUT_CLASS} h-auto w-full py-1 text-xs`}
              />
            ) : null}
            {errors[s.schema_id] ? (
              <p role="alert" className="text-xs text-red-600 dark:text-red-400">
                {errors[s.schema_id]}
              </p>
            ) : null}
          </fieldset>
        );
      })}
    </div>
  );
}
