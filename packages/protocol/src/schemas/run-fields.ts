import { z } from 'zod';
import { ApiError } from '../errors/api-error.js';
import { double, int64, keyValueList, maxChars, repeated, requiredStr, str, type WireIssue } from './fields.js';
import { TRACKING_LIMITS, trackingKey, trackingKeyProblem } from './tracking-fields.js';

/**
 * Field checks of the run RPCs (spec §2.3 - §2.5, limits §2.7) with MLflow's wording: run ids, tags,
 * params, metric points, LogBatch's size limits, model JSON and dataset inputs. Pure and browser-safe.
 */

const INVALID = { loupe: 'invalid' } satisfies WireIssue;

/** `run_id`, or the legacy `run_uuid` older MLflow clients send (spec §1.2); {@link resolveRunId} requires one. */
export const runIdFields = { run_id: str().optional(), run_uuid: str().optional() };

/**
 * Resolves {@link runIdFields} to one `run_id` (a transform of the request object): `run_id` wins,
 * `run_uuid` stands in, neither answers "Missing value for required parameter 'run_id'".
 *
 * @example
 * z.object({ ...runIdFields }).transform(resolveRunId).parse({ run_uuid: 'abc' }); // { run_id: 'abc' }
 */
export function resolveRunId<T extends { run_id?: string | undefined; run_uuid?: string | undefined }>(
  request: T,
  ctx: z.RefinementCtx<T>,
): Omit<T, 'run_id' | 'run_uuid'> & { run_id: string } {
  const { run_id, run_uuid, ...rest } = request;
  const id = run_id || run_uuid;
  if (!id) {
    ctx.addIssue({ code: 'custom', path: ['run_id'], message: 'missing', params: { loupe: 'missing', field: 'run_id' } satisfies WireIssue });
    return z.NEVER;
  }
  return { ...rest, run_id: id };
}

/** The message of a string over a length limit, as {@link maxChars} words it. */
function tooLong(label: string, max: number, value: string): string | undefined {
  return value.length > max ? `'${label}' exceeds the maximum length of ${max} characters (got ${value.length}).` : undefined;
}

/**
 * A run tag: a valid tag key (`keyField` names it when missing) and a value of at most 8,000 characters,
 * `''` when absent.
 *
 * @example
 * z.object(runTagFields()).parse({ key: 'team', value: 'core' });
 */
export function runTagFields(keyField = 'key') {
  return { key: trackingKey('tag', keyField), value: maxChars(str().default(''), TRACKING_LIMITS.runTagValueLength, 'tag value') };
}

/**
 * A param: a valid param key (`keyField` names it when missing) and a value of at most 6,000 characters,
 * `''` when absent.
 *
 * @example
 * z.object(paramFields()).parse({ key: 'lr', value: '0.1' });
 */
export function paramFields(keyField = 'key') {
  return { key: trackingKey('param', keyField), value: maxChars(str().default(''), TRACKING_LIMITS.paramValueLength, 'param value') };
}

/**
 * Run tags of a request (`{key, value}` pairs or an object map), each a valid run tag.
 *
 * @example
 * runTagList().parse([{ key: 'team', value: 'core' }]);
 */
export function runTagList() {
  return keyValueList(z.object(runTagFields('tags.key')));
}

/**
 * Params of a request, each a valid param, each key once: a key given twice with different values is
 * refused (MLflow's rule), the same pair twice counts once.
 *
 * @example
 * paramList().parse([{ key: 'a', value: '1' }, { key: 'a', value: '1' }]); // [{ key: 'a', value: '1' }]
 */
export function paramList() {
  return keyValueList(z.object(paramFields('params.key')))
    .superRefine((params, ctx) => {
      const seen = new Map<string, string>();
      for (const p of params) {
        const previous = seen.get(p.key);
        if (previous !== undefined && previous !== p.value) {
          ctx.addIssue({
            code: 'custom',
            message: `Duplicate parameter keys have been submitted: ['${p.key}']. Please ensure the request contains only one param value per param key.`,
            params: INVALID,
          });
          return;
        }
        seen.set(p.key, p.value);
      }
    })
    .transform((params) => {
      const keys = new Set(params.map((p) => p.key));
      return keys.size === params.length ? params : params.filter((p, i) => params.findIndex((q) => q.key === p.key) === i);
    });
}

/** A metric point as a request sends it; {@link metricProblem} says what is wrong with it. */
const MetricRaw = z.object({
  key: str().optional(),
  value: double().optional(),
  timestamp: int64().optional(),
  step: int64().optional(),
  model_id: str().optional(),
  dataset_name: str().optional(),
  dataset_digest: str().optional(),
});
type MetricRaw = z.output<typeof MetricRaw>;

/** A checked metric point: key, value and timestamp present (the step is 0 when absent). */
export type MetricWire = MetricRaw & { key: string; value: number; timestamp: number };

/**
 * What is wrong with a metric point, in MLflow's words, or undefined: key, value and timestamp are
 * required (a missing one gets the "Missing value" message), the timestamp is not negative and the key
 * passes {@link trackingKeyProblem}.
 *
 * @example
 * metricProblem({ key: 'loss', value: 1 }); // "Missing value for required parameter 'timestamp'. ..."
 */
export function metricProblem(m: MetricRaw): string | undefined {
  if (!m.key) return ApiError.missing('key').message;
  if (m.value === undefined) return ApiError.missing('value').message;
  if (m.timestamp === undefined) return ApiError.missing('timestamp').message;
  if (m.timestamp < 0) return `Invalid value ${m.timestamp} for parameter 'timestamp' supplied: it must be a non-negative integer.`;
  return trackingKeyProblem('metric', m.key);
}

function isMetric(m: MetricRaw): m is MetricWire {
  return metricProblem(m) === undefined;
}

// One check per request, not per point: a zod refinement costs about half a microsecond a call, and
// LogBatch (a benchmarked hot path) carries 1,000 points.
const metricCheck = { error: (issue: { input: unknown }) => String(metricProblem(issue.input as MetricRaw)), params: INVALID };
const metricsCheck = {
  error: (issue: { input: unknown }) => String((issue.input as MetricRaw[]).map(metricProblem).find((p) => p !== undefined)),
  params: INVALID,
};

/**
 * One metric point with its other request fields (LogMetric), checked by {@link metricProblem}.
 *
 * @example
 * metricRequest({ ...runIdFields }).parse({ run_id: 'r', key: 'loss', value: 1, timestamp: 1 });
 */
export function metricRequest<T extends z.ZodRawShape>(fields: T) {
  return MetricRaw.extend(fields).refine((m): m is typeof m & MetricWire => isMetric(m), metricCheck);
}

/**
 * LogBatch's `metrics`, each checked by {@link metricProblem}; the first problem answers.
 *
 * @example
 * metricList().parse([{ key: 'loss', value: 'NaN', timestamp: 1 }]);
 */
export function metricList() {
  return repeated(MetricRaw).refine((metrics): metrics is MetricWire[] => metrics.every(isMetric), metricsCheck);
}

/** Entries of a repeated request field as they will decode: none, an array's items, a map's keys, or one value. */
function entryCount(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (Array.isArray(value)) return value.length;
  return typeof value === 'object' ? Object.keys(value).length : 1;
}

/**
 * LogBatch's size limits (spec §2.7), checked on the request as it arrives and before any entry, in
 * MLflow's order: metrics, params, tags, then their total. Use as the preprocess of the LogBatch schema.
 *
 * @example
 * z.preprocess(checkBatchSizes, z.object({ metrics: repeated(z.unknown()) }));
 */
export function checkBatchSizes(body: unknown, ctx: z.RefinementCtx): unknown {
  if (body === null || typeof body !== 'object') return body;
  const { metrics, params, tags } = body as Record<string, unknown>;
  const counts = { metrics: entryCount(metrics), params: entryCount(params), tags: entryCount(tags) };
  const limits = { metrics: TRACKING_LIMITS.batchMetrics, params: TRACKING_LIMITS.batchParams, tags: TRACKING_LIMITS.batchTags };
  let message: string | undefined;
  for (const kind of ['metrics', 'params', 'tags'] as const) {
    if (counts[kind] > limits[kind]) {
      message = `A batch logging request can contain at most ${limits[kind]} ${kind}. Got ${counts[kind]} ${kind}.`;
      break;
    }
  }
  const total = counts.metrics + counts.params + counts.tags;
  if (message === undefined && total > TRACKING_LIMITS.batchTotal) {
    message = `A batch logging request can contain at most ${TRACKING_LIMITS.batchTotal} total metrics, params, and tags. Got ${total}.`;
  }
  if (message !== undefined) ctx.addIssue({ code: 'custom', message, params: INVALID });
  return body;
}

/** The fields MLflow requires in a LogModel `model_json`. */
const MODEL_JSON_FIELDS = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'];

/**
 * LogModel's `model_json`: required, a JSON object holding MLflow's mandatory fields; decodes to that object.
 *
 * @example
 * modelJson().parse('{"artifact_path":"m","flavors":{},"utc_time_created":"t","run_id":"r"}');
 */
export function modelJson() {
  return requiredStr().transform((text, ctx): Record<string, unknown> => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message, params: INVALID });
      return z.NEVER;
    };
    let model: unknown;
    try {
      model = JSON.parse(text);
    } catch {
      return fail(`Malformed model info. 'model_json' is not valid JSON.`);
    }
    if (!model || typeof model !== 'object' || Array.isArray(model)) return fail(`Malformed model info. 'model_json' must be a JSON object.`);
    const missing = MODEL_JSON_FIELDS.filter((k) => !(k in model));
    if (missing.length > 0) return fail(`Model json is missing mandatory fields: [${missing.map((k) => `'${k}'`).join(', ')}]`);
    return model as Record<string, unknown>;
  });
}

/** A dataset input as LogInputs sends it, before {@link checkDatasetInputs}. */
const DatasetRaw = z.object({
  name: str().optional(),
  digest: str().optional(),
  source_type: str().optional(),
  source: str().optional(),
  schema: str().optional(),
  profile: str().optional(),
});
const DatasetInputRaw = z.object({ tags: keyValueList(), dataset: DatasetRaw.optional() });

/** A dataset input as {@link checkDatasetInputs} decodes it. */
export interface DatasetInputWire {
  tags: { key: string; value: string }[];
  dataset: { name: string; digest: string; source_type: string; source: string; schema?: string; profile?: string };
}

/** Checks dataset inputs in MLflow's order, stopping at the first problem; see {@link datasetInputs}. */
function checkDatasetInputs(inputs: z.output<typeof DatasetInputRaw>[], ctx: z.RefinementCtx): DatasetInputWire[] {
  const issue = (params: WireIssue, message = 'missing') => {
    ctx.addIssue({ code: 'custom', message, params });
    return z.NEVER;
  };
  const out: DatasetInputWire[] = [];
  for (const [i, input] of inputs.entries()) {
    const ds = input.dataset;
    if (!ds) return issue({ loupe: 'missing', field: `datasets[${i}].dataset` });
    const { name, digest, source_type, source } = ds;
    for (const [field, value] of [
      ['name', name],
      ['digest', digest],
      ['source_type', source_type],
      ['source', source],
    ] as const) {
      if (!value) return issue({ loupe: 'missing', field: `datasets[${i}].dataset.${field}` });
    }
    const problem =
      tooLong('dataset.name', TRACKING_LIMITS.datasetNameLength, name ?? '') ??
      tooLong('dataset.digest', TRACKING_LIMITS.datasetDigestLength, digest ?? '') ??
      tooLong('dataset.source', TRACKING_LIMITS.datasetSourceLength, source ?? '') ??
      tooLong('dataset.schema', TRACKING_LIMITS.datasetSchemaLength, ds.schema ?? '') ??
      tooLong('dataset.profile', TRACKING_LIMITS.datasetProfileLength, ds.profile ?? '');
    if (problem) return issue(INVALID, problem);
    const tags: DatasetInputWire['tags'] = [];
    for (const t of input.tags) {
      if (!t.key) return issue({ loupe: 'missing', field: `datasets[${i}].tags.key` });
      const value = t.value ?? '';
      const tagProblem =
        tooLong('input tag key', TRACKING_LIMITS.inputTagKeyLength, t.key) ?? tooLong('input tag value', TRACKING_LIMITS.inputTagValueLength, value);
      if (tagProblem) return issue(INVALID, tagProblem);
      tags.push({ key: t.key, value });
    }
    const dataset: DatasetInputWire['dataset'] = { name: name ?? '', digest: digest ?? '', source_type: source_type ?? '', source: source ?? '' };
    if (ds.schema) dataset.schema = ds.schema;
    if (ds.profile) dataset.profile = ds.profile;
    out.push({ tags, dataset });
  }
  return out;
}

/** Requires each entry's `model_id`; see {@link modelInputs}. */
function checkModelIds<T extends { model_id?: string | undefined }>(models: T[], ctx: z.RefinementCtx): (T & { model_id: string })[] {
  for (const [i, m] of models.entries()) {
    if (!m.model_id) {
      ctx.addIssue({ code: 'custom', message: 'missing', params: { loupe: 'missing', field: `models[${i}].model_id` } satisfies WireIssue });
      return z.NEVER;
    }
  }
  return models as (T & { model_id: string })[];
}

/**
 * LogInputs' `datasets`, checked in MLflow's order and wording, naming a missing field by its index
 * (`datasets[0].dataset.name`): name, digest, source type and source required, the limits of spec
 * §2.7 on dataset fields and input tags. Decodes to dataset inputs with their fields required.
 *
 * @example
 * datasetInputs().parse([{ dataset: { name: 'iris', digest: 'd', source_type: 'local', source: '/x' } }]);
 */
export function datasetInputs() {
  return repeated(DatasetInputRaw).transform(checkDatasetInputs);
}

const ModelInputRaw = z.object({ model_id: str().optional() });
const ModelOutputRaw = z.object({ model_id: str().optional(), step: int64().default(0) });

/**
 * LogInputs' `models`: each `model_id` required (`models[0].model_id` names a missing one).
 *
 * @example
 * modelInputs().parse([{ model_id: 'm-1' }]); // [{ model_id: 'm-1' }]
 */
export function modelInputs() {
  return repeated(ModelInputRaw).transform((models, ctx) => checkModelIds(models, ctx));
}

/**
 * LogOutputs' `models`: each `model_id` required (as in {@link modelInputs}), the step 0 when absent.
 *
 * @example
 * modelOutputs().parse([{ model_id: 'm-1' }]); // [{ model_id: 'm-1', step: 0 }]
 */
export function modelOutputs() {
  return repeated(ModelOutputRaw).transform((models, ctx) => checkModelIds(models, ctx));
}
