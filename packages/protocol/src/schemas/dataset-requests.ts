import { z } from 'zod';
import { DATASET_LIMITS } from '../entities/datasets.js';
import { parseDatasetRecords, type DatasetRecordInput } from './dataset-records.js';
import { int64, maxChars, repeated, requiredStr, str, wireCheck, type WireIssue } from './fields.js';

/**
 * Request schemas of the evaluation dataset RPCs (MLflow's `service.proto` and its handlers; spec
 * §8.1), decoded from JSON bodies, query strings and the `dataset_id` / `key` path variables. The
 * JSON-string fields (`tags`, `records`) are decoded and checked here; what needs the database (the
 * dataset or experiment exists) stays in the service.
 */

const INVALID: WireIssue = { loupe: 'invalid' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's `str()` of a JSON value, as MLflow stores a tag value it was given (`True`, `1.5`). */
function tagValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/**
 * Decodes a tags field: a JSON string of an object (or the object itself). Null values are dropped
 * (MLflow skips them); other values become strings. Keys and values are held to MLflow's column limits.
 */
function tagMap(field: string) {
  return z.union([z.string(), z.record(z.string(), z.unknown())]).transform((given, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message, params: INVALID });
      return z.NEVER;
    };
    let parsed: unknown = given;
    if (typeof given === 'string') {
      try {
        parsed = JSON.parse(given);
      } catch (err) {
        return fail(`Invalid value for parameter '${field}': not valid JSON (${(err as Error).message}).`);
      }
    }
    if (!isObject(parsed)) return fail(`Invalid value for parameter '${field}': expected a JSON object of tags.`);
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (value === null || value === undefined) continue;
      if (key === '') return fail(`Invalid value for parameter '${field}': a tag key cannot be empty.`);
      if (key.length > DATASET_LIMITS.tagKeyLength) {
        return fail(`Tag key '${key.slice(0, 50)}...' exceeds the maximum length of ${DATASET_LIMITS.tagKeyLength} characters (got ${key.length}).`);
      }
      const text = tagValue(value);
      // PostgreSQL cannot store NUL in text.
      if (key.includes('\u0000') || text.includes('\u0000'))
        return fail(`Invalid value for parameter '${field}': tags cannot contain NUL characters (\\u0000).`);
      if (text.length > DATASET_LIMITS.tagValueLength) {
        return fail(`Value of tag '${key}' exceeds the maximum length of ${DATASET_LIMITS.tagValueLength} characters (got ${text.length}).`);
      }
      tags[key] = text;
    }
    return tags;
  });
}

const datasetId = { dataset_id: requiredStr() };

export const CreateDataset = z.object({
  name: wireCheck(
    maxChars(requiredStr({ blankIsMissing: true }), DATASET_LIMITS.nameLength, 'name'),
    (s) => !s.includes('\u0000'),
    "'name' cannot contain NUL characters (\\u0000).",
  ),
  experiment_ids: repeated(str()),
  tags: tagMap('tags').optional(),
});
/** GetDataset, DeleteDataset and GetDatasetExperimentIds. */
export const DatasetIdOnly = z.object(datasetId);
export const SearchDatasets = z.object({
  experiment_ids: repeated(str()),
  filter_string: str().optional(),
  max_results: int64().optional(),
  order_by: repeated(str()),
  page_token: str().optional(),
});
export const SetDatasetTags = z
  .object({ ...datasetId, tags: z.preprocess((v) => (v === '' ? undefined : v), tagMap('tags').optional()) })
  .superRefine((req, ctx) => {
    if (req.tags === undefined) ctx.addIssue({ code: 'custom', path: ['tags'], message: 'missing', params: { loupe: 'missing' } satisfies WireIssue });
  });
export const DeleteDatasetTag = z.object({ ...datasetId, key: requiredStr() });
export const UpsertDatasetRecords = z.object({
  ...datasetId,
  records: requiredStr().transform((given, ctx): DatasetRecordInput[] => {
    const records = parseDatasetRecords(given);
    if (typeof records === 'string') {
      ctx.addIssue({ code: 'custom', message: records, params: INVALID });
      return z.NEVER;
    }
    return records;
  }),
});
export const GetDatasetRecords = z.object({ ...datasetId, max_results: int64().optional(), page_token: str().optional() });
export const DeleteDatasetRecords = z.object({ ...datasetId, dataset_record_ids: repeated(str()) });
/** AddDatasetToExperiments and RemoveDatasetFromExperiments. */
export const DatasetExperiments = z.object({ ...datasetId, experiment_ids: repeated(str()) });
