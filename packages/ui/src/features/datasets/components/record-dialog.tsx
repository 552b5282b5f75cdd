import type { DatasetRecordWire } from '@loupe/protocol';
import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS } from '../../../shared/components/text-input';
import { useDatasetMutations } from '../hooks/use-datasets';
import { buildRecordDraft, formValuesOf, type RecordField, type RecordFormValues } from '../lib/record-draft';
import { upsertSummary } from '../lib/trace-record';

const TEXTAREA = `${INPUT_CLASS} h-auto py-1.5 font-mono text-xs`;

/** One JSON box of the form, its hint, and its message when wrong. */
function JsonBox({
  field,
  label,
  hint,
  value,
  error,
  readOnly,
  onChange,
}: {
  field: RecordField;
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  readOnly?: boolean;
  onChange: (value: string) => void;
}) {
  const hintId = `record-${field}-hint`;
  return (
    <label className="flex flex-col gap-1 text-sm">
      <span className="font-medium">{label}</span>
      <textarea
        aria-label={label}
        aria-describedby={hintId}
        aria-invalid={error ? true : undefined}
        rows={field === 'inputs' || field === 'expectations' ? 4 : 3}
        spellCheck={false}
        readOnly={readOnly}
        className={`${TEXTAREA} ${error ? 'border-red-400' : ''} ${readOnly ? 'bg-zinc-50 text-zinc-500 dark:bg-zinc-800/60' : ''}`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <span id={hintId} className={`text-xs ${error ? 'text-red-600 dark:text-red-400' : 'text-zinc-500'}`}>
        {error ?? hint}
      </span>
    </label>
  );
}

/**
 * Adding a record to a dataset, or editing one (`record` given). The JSON is checked here, field by
 * field, before it is sent; the server's refusal shows as a banner. A record is its inputs (MLflow
 * merges records with the same inputs), so editing leaves them as they are and merges the rest.
 *
 * @example
 * <RecordDialog datasetId="d-…" onClose={close} />
 * <RecordDialog datasetId="d-…" record={record} onClose={close} />
 */
export function RecordDialog({
  datasetId,
  record,
  onSaved,
  onClose,
}: {
  datasetId: string;
  record?: DatasetRecordWire;
  /** Called with what the upsert did ("1 added, 0 updated") before the dialog closes. */
  onSaved?: (summary: string) => void;
  onClose: () => void;
}) {
  const { upsert } = useDatasetMutations(datasetId);
  const [values, setValues] = useState<RecordFormValues>(() => formValuesOf(record));
  const [errors, setErrors] = useState<Partial<Record<RecordField, string>>>({});
  const set = (field: RecordField) => (value: string) => {
    setValues({ ...values, [field]: value });
    setErrors({ ...errors, [field]: undefined });
  };
  const editing = record !== undefined;
  return (
    <Dialog open title={editing ? 'Edit record' : 'Add record'} onClose={onClose}>
      <form
        className="flex w-[36rem] max-w-full flex-col gap-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const draft = buildRecordDraft(values, record);
          if (!draft.ok) {
            setErrors(draft.errors);
            return;
          }
          upsert.mutate([draft.record], {
            onSuccess: (counts) => {
              onSaved?.(upsertSummary(counts));
              onClose();
            },
          });
        }}
      >
        <JsonBox
          field="inputs"
          label="Inputs"
          readOnly={editing}
          hint={
            editing
              ? 'A record is identified by its inputs, so they cannot change here: to change them, add a new record (and delete this one).'
              : 'Required: a JSON object, e.g. {"question": "What is MLflow?"}. A record with the same inputs is merged into.'
          }
          value={values.inputs}
          error={errors.inputs}
          onChange={set('inputs')}
        />
        <JsonBox
          field="expectations"
          label="Expectations"
          hint={
            editing
              ? 'A JSON object, merged into the stored one: keys are added or replaced, a key removed here stays (set it to null instead).'
              : 'Optional: a JSON object, e.g. {"expected_response": "…"}.'
          }
          value={values.expectations}
          error={errors.expectations}
          onChange={set('expectations')}
        />
        <JsonBox
          field="outputs"
          label="Outputs"
          hint={editing ? 'Any JSON; replaces the stored outputs (emptied: cleared).' : 'Optional: any JSON.'}
          value={values.outputs}
          error={errors.outputs}
          onChange={set('outputs')}
        />
        <JsonBox
          field="tags"
          label="Tags"
          hint={editing ? 'A JSON object, merged into the stored tags.' : 'Optional: a JSON object, e.g. {"difficulty": "hard"}.'}
          value={values.tags}
          error={errors.tags}
          onChange={set('tags')}
        />
        {upsert.error ? <ErrorBanner error={upsert.error} title="Record not saved" /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" disabled={upsert.isPending}>
            {upsert.isPending ? 'Saving…' : editing ? 'Save record' : 'Add record'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
