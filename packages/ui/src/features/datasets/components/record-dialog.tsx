import type { DatasetRecordWire } from '@loupe/protocol';
import { useState } from 'react';
import { Dialog } from '../../../shared/components/dialog';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS } from '../../../shared/components/text-input';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { useDatasetMutations } from '../hooks/use-datasets';
import { buildRecordDraft, formValuesOf, type RecordField, type RecordFormValues } from '../lib/record-draft';
import { upsertSummary } from '../lib/trace-record';

const TEXTAREA = `${INPUT_CLASS} h-auto py-1.5 font-mono text-xs`;

/** The form's JSON boxes, in order, with their hints when adding a record and when editing one. */
const FIELDS: { field: RecordField; label: string; addHint: string; editHint: string }[] = [
  {
    field: 'inputs',
    label: 'Inputs',
    addHint: 'Required: a JSON object, e.g. {"question": "What is MLflow?"}. A record with the same inputs is merged into.',
    editHint: 'A record is identified by its inputs, so they cannot change here: to change them, add a new record (and delete this one).',
  },
  {
    field: 'expectations',
    label: 'Expectations',
    addHint: 'Optional: a JSON object, e.g. {"expected_response": "…"}.',
    editHint: 'A JSON object, merged into the stored one: keys are added or replaced, a key removed here stays (set it to null instead).',
  },
  { field: 'outputs', label: 'Outputs', addHint: 'Optional: any JSON.', editHint: 'Any JSON; replaces the stored outputs (emptied: cleared).' },
  { field: 'tags', label: 'Tags', addHint: 'Optional: a JSON object, e.g. {"difficulty": "hard"}.', editHint: 'A JSON object, merged into the stored tags.' },
];

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
        {FIELDS.map((f) => (
          <JsonBox
            key={f.field}
            field={f.field}
            label={f.label}
            readOnly={f.field === 'inputs' && editing}
            hint={editing ? f.editHint : f.addHint}
            value={values[f.field]}
            error={errors[f.field]}
            onChange={set(f.field)}
          />
        ))}
        {upsert.error ? <ErrorBanner error={upsert.error} title="Record not saved" /> : null}
        <DialogActions onCancel={onClose} submitLabel={editing ? 'Save record' : 'Add record'} pendingLabel="Saving…" pending={upsert.isPending} />
      </form>
    </Dialog>
  );
}
