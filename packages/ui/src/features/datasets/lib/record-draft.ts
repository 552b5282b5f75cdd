import type { DatasetRecordWire } from '@loupe/protocol';

/**
 * The add/edit record form: JSON typed in text boxes, checked here before anything is sent, with a
 * message per field. A record's identity is its inputs (the server merges a record whose inputs
 * match a stored one), so editing keeps the stored inputs and sends the rest to merge.
 */

/** The text boxes of the record form. */
export interface RecordFormValues {
  inputs: string;
  expectations: string;
  outputs: string;
  tags: string;
}

/** The fields of the form. */
export type RecordField = keyof RecordFormValues;

/** One record of an UpsertDatasetRecords request, as it goes into the `records` JSON. */
export interface RecordToUpsert {
  inputs: Record<string, unknown>;
  outputs?: unknown;
  expectations?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  source?: { source_type: 'TRACE' | 'HUMAN' | 'DOCUMENT' | 'CODE'; source_data: Record<string, unknown> };
}

/** The form read: the record to send, or a message per field that is wrong. */
export type RecordDraft = { ok: true; record: RecordToUpsert } | { ok: false; errors: Partial<Record<RecordField, string>> };

const LABELS: Record<RecordField, string> = { inputs: 'Inputs', expectations: 'Expectations', outputs: 'Outputs', tags: 'Tags' };

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/**
 * One text box read as JSON: `undefined` when blank, the value, or a message naming the field.
 * `object` fields must hold a JSON object (`{...}`).
 *
 * @example
 * readJsonField('inputs', '{"q": 1}', 'object'); // { value: { q: 1 } }
 * readJsonField('inputs', '[1]', 'object'); // { error: 'Inputs must be a JSON object like {"question": "…"}, not a list.' }
 */
export function readJsonField(field: RecordField, text: string, kind: 'object' | 'any'): { value?: unknown; error?: string } {
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    return { error: `${LABELS[field]} is not valid JSON: ${(err as Error).message}` };
  }
  if (kind === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    return { error: `${LABELS[field]} must be a JSON object like {"question": "…"}, not ${kindOf(value)}.` };
  }
  return { value };
}

/**
 * Reads the record form. Adding: inputs are required (a JSON object with at least one key),
 * expectations and tags are optional objects, outputs any JSON; the record's source is HUMAN.
 * Editing (`stored` given): the stored inputs are kept (they are the record's identity) and the
 * rest is sent to merge: expectations and tags are shallow-merged by the server, and outputs, when
 * their box changed, replaced (a box emptied clears them: `null`).
 *
 * @example
 * buildRecordDraft({ inputs: '{"q": "2+2?"}', expectations: '{"answer": "4"}', outputs: '', tags: '' });
 * // { ok: true, record: { inputs: { q: '2+2?' }, expectations: { answer: '4' }, source: { source_type: 'HUMAN', source_data: {} } } }
 */
export function buildRecordDraft(values: RecordFormValues, stored?: DatasetRecordWire): RecordDraft {
  const errors: Partial<Record<RecordField, string>> = {};
  let inputs: Record<string, unknown> | undefined;
  if (stored) {
    inputs = stored.inputs;
  } else {
    const read = readJsonField('inputs', values.inputs, 'object');
    if (read.error) errors.inputs = read.error;
    else if (read.value === undefined) errors.inputs = 'Inputs are required: a JSON object like {"question": "…"}.';
    else if (Object.keys(read.value as object).length === 0) errors.inputs = 'Inputs need at least one key.';
    else inputs = read.value as Record<string, unknown>;
  }
  const expectations = readJsonField('expectations', values.expectations, 'object');
  if (expectations.error) errors.expectations = expectations.error;
  const tags = readJsonField('tags', values.tags, 'object');
  if (tags.error) errors.tags = tags.error;
  const outputs = readJsonField('outputs', values.outputs, 'any');
  if (outputs.error) errors.outputs = outputs.error;
  if (Object.keys(errors).length > 0 || !inputs) return { ok: false, errors };
  const record: RecordToUpsert = { inputs };
  // Editing: outputs go only when their box changed, so a record's stored outputs are not rewritten unasked.
  if (!stored || values.outputs !== formValuesOf(stored).outputs) {
    if (outputs.value !== undefined) record.outputs = outputs.value;
    else if (stored) record.outputs = null;
  }
  if (expectations.value !== undefined) record.expectations = expectations.value as Record<string, unknown>;
  if (tags.value !== undefined) record.tags = tags.value as Record<string, unknown>;
  if (!stored) record.source = { source_type: 'HUMAN', source_data: {} };
  return { ok: true, record };
}

function pretty(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && Object.keys(value).length === 0) return '';
  return JSON.stringify(value, null, 2);
}

/**
 * The form filled in from a stored record (empty objects as blank boxes).
 *
 * @example
 * formValuesOf(record).expectations; // '{\n  "answer": "4"\n}'
 */
export function formValuesOf(record: DatasetRecordWire | undefined): RecordFormValues {
  if (!record) return { inputs: '', expectations: '', outputs: '', tags: '' };
  return { inputs: pretty(record.inputs), expectations: pretty(record.expectations), outputs: pretty(record.outputs), tags: pretty(record.tags) };
}
