import { DATASET_RECORD_SOURCE_TYPES, type DatasetRecordSource, type DatasetRecordSourceType } from '../entities/datasets.js';

/**
 * The records of an UpsertDatasetRecords request, decoded from the `records` JSON string (spec §8.1)
 * and checked before anything is stored, with messages naming the field and the record's index.
 */

/** One record to merge into a dataset. */
export interface DatasetRecordInput {
  /** The record's identity: records with the same inputs (any key order) are one record. */
  inputs: Record<string, unknown>;
  /** Set when the record has the `outputs` key: it replaces the stored outputs (`null` clears them). */
  outputs?: { value: unknown };
  /** Shallow-merged into the stored expectations. */
  expectations?: Record<string, unknown>;
  /** Shallow-merged into the stored tags; `mlflow.user` names the writer. */
  tags?: Record<string, unknown>;
  /** Kept from the record's first write. */
  source?: DatasetRecordSource;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const VALID_TYPES = `[${DATASET_RECORD_SOURCE_TYPES.map((t) => `'${t}'`).join(', ')}]`;

function sourceOf(value: unknown, where: string): DatasetRecordSource | string {
  if (!isObject(value)) return `${where}: 'source' must be a JSON object with 'source_type' and 'source_data'.`;
  const extra = Object.keys(value).filter((k) => k !== 'source_type' && k !== 'source_data');
  if (extra.length > 0) return `${where}: 'source' has unknown field(s) ${extra.map((k) => `'${k}'`).join(', ')}.`;
  if (typeof value.source_type !== 'string') return `${where}: 'source.source_type' must be a string.`;
  const type = value.source_type.toUpperCase();
  // MLflow's DatasetRecordSourceType._parse wording.
  if (!(DATASET_RECORD_SOURCE_TYPES as readonly string[]).includes(type))
    return `Invalid dataset record source type: ${type}. Valid source types: ${VALID_TYPES}`;
  const data = value.source_data ?? {};
  if (!isObject(data)) return `${where}: 'source.source_data' must be a JSON object.`;
  return { source_type: type as DatasetRecordSourceType, source_data: data };
}

function recordOf(value: unknown, index: number): DatasetRecordInput | string {
  const where = `Invalid value for parameter 'records': record ${index}`;
  if (!isObject(value)) return `${where} is not a JSON object.`;
  if (!isObject(value.inputs) || Object.keys(value.inputs).length === 0) return `${where} needs a non-empty 'inputs' object.`;
  const record: DatasetRecordInput = { inputs: value.inputs };
  if ('outputs' in value) record.outputs = { value: value.outputs ?? null };
  for (const field of ['expectations', 'tags'] as const) {
    const given = value[field];
    if (given === undefined || given === null) continue;
    if (!isObject(given)) return `${where}: '${field}' must be a JSON object.`;
    record[field] = given;
  }
  if (value.source !== undefined && value.source !== null) {
    const source = sourceOf(value.source, where);
    if (typeof source === 'string') return source;
    record.source = source;
  }
  return record;
}

/**
 * Decodes the `records` field: a JSON string of a list of objects, each with a non-empty `inputs`
 * object and optional `outputs` (any JSON), `expectations`, `tags` (objects) and `source`
 * (`{source_type, source_data}`). A list given as JSON itself is taken too. Returns the records, or
 * the message for the client.
 *
 * @example
 * parseDatasetRecords('[{"inputs": {"q": "2+2?"}, "expectations": {"answer": "4"}}]');
 * // [{ inputs: { q: '2+2?' }, expectations: { answer: '4' } }]
 */
export function parseDatasetRecords(given: unknown): DatasetRecordInput[] | string {
  let list: unknown = given;
  if (typeof given === 'string') {
    try {
      list = JSON.parse(given);
    } catch (err) {
      return `Invalid value for parameter 'records': not valid JSON (${(err as Error).message}).`;
    }
  }
  if (!Array.isArray(list)) return "Invalid value for parameter 'records': expected a JSON list of records.";
  const records: DatasetRecordInput[] = [];
  for (const [i, item] of list.entries()) {
    const record = recordOf(item, i);
    if (typeof record === 'string') return record;
    records.push(record);
  }
  return records;
}
