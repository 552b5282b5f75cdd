import { createHash } from 'node:crypto';
import { DATASET_USER_TAG, type DatasetRecordInput } from '@loupe/protocol';
import type { DatasetEntry } from './dataset-store.js';

/**
 * MLflow's record semantics (`SqlEvaluationDatasetRecord.merge`, `upsert_dataset_records`), shared by
 * every DatasetStore: identity by inputs, what a merge keeps, and the dataset's derived fields.
 */

/** Python's `json.dumps(value, sort_keys=True)`: sorted keys at every level, `", "` and `": "`, non-ASCII escaped. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${canonicalJson(k)}: ${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(', ')}}`;
  }
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A record's identity in its dataset: SHA-256 of its inputs' canonical JSON (key order does not matter).
 *
 * @example
 * inputHash({ b: 1, a: 2 }) === inputHash({ a: 2, b: 1 }); // true
 */
export function inputHash(inputs: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex');
}

/**
 * MLflow's dataset digest: the first 8 hex characters of SHA-256 of `name:last_update_time`.
 *
 * @example
 * datasetDigest('qa', 1700000000000); // 8 hex characters
 */
export function datasetDigest(name: string, lastUpdateTime: number): string {
  return createHash('sha256').update(`${name}:${lastUpdateTime}`).digest('hex').slice(0, 8);
}

/** The writer a record names with its `mlflow.user` tag, if any. */
export function recordUser(tags: Record<string, unknown> | undefined): string | undefined {
  const user = tags?.[DATASET_USER_TAG];
  return user === undefined || user === null ? undefined : String(user);
}

/**
 * A new record from its input (MLflow: outputs `{}` when the record has none, `source_id` from the
 * source's `trace_id` (TRACE) or `source_id`, creator from `mlflow.user`).
 */
export function newEntry(datasetId: string, datasetRecordId: string, input: DatasetRecordInput, now: number): DatasetEntry {
  const user = recordUser(input.tags);
  const entry: DatasetEntry = {
    datasetRecordId,
    datasetId,
    inputs: input.inputs,
    outputs: input.outputs ?? { value: {} },
    tags: input.tags ?? {},
    createdTime: now,
    lastUpdateTime: now,
  };
  if (entry.outputs?.value === null) delete entry.outputs;
  if (input.expectations) entry.expectations = input.expectations;
  if (input.source) {
    entry.source = input.source;
    entry.sourceType = input.source.source_type;
    const id = input.source.source_type === 'TRACE' ? input.source.source_data.trace_id : input.source.source_data.source_id;
    if (id !== undefined && id !== null) entry.sourceId = String(id);
  }
  if (user !== undefined) {
    entry.createdBy = user;
    entry.lastUpdatedBy = user;
  }
  return entry;
}

/**
 * Merges a repeated input into its record: outputs replaced when the key is present (`null` clears
 * them), non-empty expectations and tags shallow-merged, update time bumped, `last_updated_by` from
 * `mlflow.user` when the new tags carry it; inputs, source and creation fields kept.
 */
export function mergeEntry(existing: DatasetEntry, input: DatasetRecordInput, now: number): DatasetEntry {
  const merged: DatasetEntry = { ...existing, lastUpdateTime: now };
  if (input.outputs) {
    if (input.outputs.value === null) delete merged.outputs;
    else merged.outputs = input.outputs;
  }
  if (input.expectations && Object.keys(input.expectations).length > 0) merged.expectations = { ...existing.expectations, ...input.expectations };
  if (input.tags && Object.keys(input.tags).length > 0) merged.tags = { ...existing.tags, ...input.tags };
  const user = recordUser(input.tags);
  if (user !== undefined) merged.lastUpdatedBy = user;
  return merged;
}

/** MLflow's `_infer_field_type` (JSON numbers: whole ones are `integer`). */
function fieldType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

interface DatasetSchema {
  inputs: Record<string, string>;
  outputs: Record<string, string> | string;
  expectations: Record<string, string>;
  version: string;
}

/**
 * The dataset's schema after a batch (MLflow's `_update_dataset_schema`): fields already known keep
 * their type, new ones are added with the type of their first value. Null when there is nothing to say.
 */
export function updatedSchema(existing: string | null, records: readonly DatasetRecordInput[]): string | null {
  if (records.length === 0 && !existing) return null;
  const schema: DatasetSchema = existing ? (JSON.parse(existing) as DatasetSchema) : { inputs: {}, outputs: {}, expectations: {}, version: '1.0' };
  for (const r of records) {
    for (const [k, v] of Object.entries(r.inputs)) schema.inputs[k] ??= fieldType(v);
    const outputs = r.outputs?.value;
    if (outputs !== undefined && outputs !== null) {
      if (typeof outputs === 'object' && !Array.isArray(outputs)) {
        if (typeof schema.outputs === 'object') for (const [k, v] of Object.entries(outputs)) schema.outputs[k] ??= fieldType(v);
      } else if (typeof schema.outputs === 'object' && Object.keys(schema.outputs).length === 0) {
        schema.outputs = fieldType(outputs);
      }
    }
    for (const [k, v] of Object.entries(r.expectations ?? {})) schema.expectations[k] ??= fieldType(v);
  }
  return JSON.stringify(schema);
}
