import type { LabelSchema } from '@loupe/protocol';
import { useState } from 'react';
import { Dialog } from '../../../shared/components/dialog';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { useLabelSchemaMutations } from '../hooks/use-review';
import type { LabelKind } from '../lib/label-values';
import { schemaFormState, schemaFromForm, type SchemaFormState } from '../lib/schema-form';

const KINDS: { id: LabelKind; label: string }[] = [
  { id: 'pass_fail', label: 'Pass / fail' },
  { id: 'numeric', label: 'Numeric' },
  { id: 'categorical', label: 'Categorical' },
  { id: 'text', label: 'Free text' },
];

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-300">
      {label}
      {children}
    </label>
  );
}

function InputFields({ form, set }: { form: SchemaFormState; set: (changes: Partial<SchemaFormState>) => void }) {
  switch (form.kind) {
    case 'pass_fail':
      return (
        <div className="grid grid-cols-2 gap-2">
          <Field label="Positive label">
            <TextInput value={form.positiveLabel} onChange={(e) => set({ positiveLabel: e.target.value })} maxLength={64} />
          </Field>
          <Field label="Negative label">
            <TextInput value={form.negativeLabel} onChange={(e) => set({ negativeLabel: e.target.value })} maxLength={64} />
          </Field>
        </div>
      );
    case 'numeric':
      return (
        <div className="grid grid-cols-2 gap-2">
          <Field label="Minimum (optional)">
            <TextInput inputMode="decimal" value={form.min} onChange={(e) => set({ min: e.target.value })} />
          </Field>
          <Field label="Maximum (optional)">
            <TextInput inputMode="decimal" value={form.max} onChange={(e) => set({ max: e.target.value })} />
          </Field>
        </div>
      );
    case 'categorical':
      return (
        <>
          <Field label="Options (one a line, at most 10)">
            <textarea rows={4} value={form.options} onChange={(e) => set({ options: e.target.value })} className={`${INPUT_CLASS} h-auto py-1.5`} />
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={form.multiSelect} onChange={(e) => set({ multiSelect: e.target.checked })} /> Several options may be picked
          </label>
        </>
      );
    case 'text':
      return (
        <Field label="Maximum length (optional)">
          <TextInput inputMode="numeric" value={form.maxLength} onChange={(e) => set({ maxLength: e.target.value })} />
        </Field>
      );
  }
}

/**
 * Creating or editing a label schema (a question reviewers answer): name, feedback or expectation,
 * the input (pass/fail labels, numeric bounds, categorical options, text length), the instruction and
 * whether reviewers may comment. A schema's type cannot change once created.
 *
 * @example
 * <LabelSchemaDialog experimentId="1" schema={editing} open={open} onClose={() => setOpen(false)} />
 */
export function LabelSchemaDialog({
  experimentId,
  schema,
  open,
  onClose,
}: {
  experimentId: string;
  schema?: LabelSchema | undefined;
  open: boolean;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} title={schema ? `Edit label schema ${schema.name}` : 'New label schema'} onClose={onClose}>
      {/* Mounted per opening, so the form starts from the schema each time. */}
      {open ? <SchemaForm experimentId={experimentId} schema={schema} onDone={onClose} /> : null}
    </Dialog>
  );
}

function SchemaForm({ experimentId, schema, onDone }: { experimentId: string; schema: LabelSchema | undefined; onDone: () => void }) {
  const [form, setForm] = useState(() => schemaFormState(schema));
  const [problem, setProblem] = useState<string | null>(null);
  const { create, update } = useLabelSchemaMutations(experimentId);
  const mutation = schema ? update : create;
  const set = (changes: Partial<SchemaFormState>) => setForm((f) => ({ ...f, ...changes }));
  return (
    <form
      aria-label="Label schema"
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        const built = schemaFromForm(form);
        if ('error' in built) return setProblem(built.error);
        setProblem(null);
        const done = { onSuccess: onDone };
        if (schema) update.mutate({ schemaId: schema.schema_id, fields: built.fields }, done);
        else create.mutate(built.fields, done);
      }}
    >
      <Field label="Name">
        <TextInput autoFocus value={form.name} onChange={(e) => set({ name: e.target.value })} maxLength={250} placeholder="e.g. correct" />
      </Field>
      <div className="grid grid-cols-2 gap-2">
        <Field label="Kind">
          <select
            value={form.type}
            disabled={Boolean(schema)}
            onChange={(e) => set({ type: e.target.value as SchemaFormState['type'] })}
            className={INPUT_CLASS}
          >
            <option value="FEEDBACK">Feedback</option>
            <option value="EXPECTATION">Expectation</option>
          </select>
        </Field>
        <Field label="Input">
          <select value={form.kind} onChange={(e) => set({ kind: e.target.value as LabelKind })} className={INPUT_CLASS}>
            {KINDS.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <InputFields form={form} set={set} />
      <Field label="Instruction (optional)">
        <textarea
          rows={2}
          value={form.instruction}
          onChange={(e) => set({ instruction: e.target.value })}
          maxLength={1000}
          className={`${INPUT_CLASS} h-auto py-1.5`}
        />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={form.enableComment} onChange={(e) => set({ enableComment: e.target.checked })} /> Reviewers may add a comment
      </label>
      {problem ? <p className="text-sm text-red-600 dark:text-red-400">{problem}</p> : null}
      {mutation.error ? <ErrorBanner error={mutation.error} title="Not saved" /> : null}
      <DialogActions onCancel={onDone} submitLabel={schema ? 'Save' : 'Create'} pendingLabel="Saving…" pending={mutation.isPending} />
    </form>
  );
}
