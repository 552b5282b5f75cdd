import type { DatasetRecordWire, DatasetWire } from '@loupe/protocol';

/**
 * Evaluation datasets as the UI shows them, read from MLflow's wire format, where `tags`, `profile`
 * and `records` are JSON *strings* inside the JSON reply (docs/api.md, "Evaluation datasets").
 */

/** A dataset ready to show. */
export interface DatasetSummary {
  id: string;
  name: string;
  /** Every tag, `mlflow.*` ones included. */
  tags: Record<string, string>;
  /** From the profile (`{"num_records": N}`); undefined when the server sent none. */
  recordCount?: number;
  digest?: string;
  createdTime: number;
  lastUpdateTime: number;
  createdBy?: string;
  lastUpdatedBy?: string;
  experimentIds: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A dataset's tags from their JSON string; values that are not strings become their JSON text, and
 * anything unreadable is no tags.
 *
 * @example
 * datasetTags('{"team": "search", "mlflow.user": "alice"}'); // { team: 'search', 'mlflow.user': 'alice' }
 * datasetTags(undefined); // {}
 */
export function datasetTags(tags: string | undefined): Record<string, string> {
  const parsed = parseJson(tags);
  if (!isObject(parsed)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/**
 * Whether a tag is one MLflow sets itself (`mlflow.user` and friends): shown as fields, not edited as tags.
 *
 * @example
 * isSystemTag('mlflow.user'); // true
 */
export function isSystemTag(key: string): boolean {
  return key.startsWith('mlflow.');
}

/**
 * The tags a person set (no `mlflow.*` ones), sorted by key.
 *
 * @example
 * userTags({ team: 'qa', 'mlflow.user': 'alice' }); // [['team', 'qa']]
 */
export function userTags(tags: Record<string, string>): [string, string][] {
  return Object.entries(tags)
    .filter(([k]) => !isSystemTag(k))
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * The record count of a dataset's profile JSON (`{"num_records": N}`).
 *
 * @example
 * recordCount('{"num_records": 12}'); // 12
 * recordCount(undefined); // undefined
 */
export function recordCount(profile: string | undefined): number | undefined {
  const parsed = parseJson(profile);
  return isObject(parsed) && typeof parsed.num_records === 'number' ? parsed.num_records : undefined;
}

/**
 * A dataset of a reply, its JSON-string fields read.
 *
 * @example
 * summarizeDataset({ dataset_id: 'd-1', name: 'qa', profile: '{"num_records": 2}', created_time: 1, last_update_time: 2 }).recordCount; // 2
 */
export function summarizeDataset(d: DatasetWire): DatasetSummary {
  const count = recordCount(d.profile);
  return {
    id: d.dataset_id,
    name: d.name,
    tags: datasetTags(d.tags),
    ...(count !== undefined ? { recordCount: count } : {}),
    ...(d.digest ? { digest: d.digest } : {}),
    createdTime: d.created_time,
    lastUpdateTime: d.last_update_time,
    ...(d.created_by ? { createdBy: d.created_by } : {}),
    ...(d.last_updated_by ? { lastUpdatedBy: d.last_updated_by } : {}),
    experimentIds: d.experiment_ids ?? [],
  };
}

/**
 * The records of a GetDatasetRecords reply from its `records` JSON string (none when absent).
 * Throws when the text is not a JSON list, which a Loupe or MLflow server never sends.
 *
 * @example
 * parseRecords('[{"dataset_record_id": "dr-1", "inputs": {"q": "2+2?"}, ...}]')[0].inputs; // { q: '2+2?' }
 */
export function parseRecords(records: string | undefined): DatasetRecordWire[] {
  if (!records) return [];
  const parsed = JSON.parse(records) as unknown;
  if (!Array.isArray(parsed)) throw new Error('The server sent records that are not a JSON list.');
  return parsed.filter(isObject) as unknown as DatasetRecordWire[];
}

/**
 * A `name ILIKE '%q%'` clause of MLflow's dataset search grammar, quotes escaped; undefined for an empty search.
 *
 * @example
 * datasetNameClause("bob's"); // "name ILIKE '%bob\\'s%'"
 */
export function datasetNameClause(search: string): string | undefined {
  const q = search.trim();
  return q ? `name ILIKE '%${q.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}%'` : undefined;
}

/**
 * Tags typed one per line as `key=value` (blank lines skipped; the first `=` splits), or a message
 * naming the line that is wrong.
 *
 * @example
 * parseTagLines('team=search\nenv = prod'); // { tags: { team: 'search', env: 'prod' } }
 * parseTagLines('oops'); // { error: "Line 1: write a tag as key=value." }
 */
export function parseTagLines(text: string): { tags: Record<string, string> } | { error: string } {
  const tags: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq < 0) return { error: `Line ${i + 1}: write a tag as key=value.` };
    const key = line.slice(0, eq).trim();
    if (!key) return { error: `Line ${i + 1}: the tag key is empty.` };
    tags[key] = line.slice(eq + 1).trim();
  }
  return { tags };
}

/**
 * A JSON value in one line for a table cell: strings as they are, objects as compact JSON.
 *
 * @example
 * compactJson({ q: '2+2?' }); // '{"q":"2+2?"}'
 * compactJson('plain'); // 'plain'
 */
export function compactJson(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}
