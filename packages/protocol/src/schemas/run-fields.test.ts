import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { loggedModelNameProblem } from './logged-model-requests.js';
import * as R from './tracking-requests.js';

/** What the HTTP edge would answer: the first issue's wire kind and message (or missing field). */
function firstProblem(schema: z.ZodType, input: unknown): { missing?: string; invalid?: string } | undefined {
  const result = schema.safeParse(input);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  const params = (issue as { params?: { loupe?: string; field?: string } }).params;
  if (params?.loupe === 'missing') return { missing: params.field ?? issue?.path.join('.') };
  if (params?.loupe === 'invalid') return { invalid: issue?.message };
  return { invalid: `(plain) ${issue?.path.join('.')}: ${issue?.message}` };
}

const RUN = 'a'.repeat(32);
const missingMessage = (field: string) => `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`;
const metric = (over: Record<string, unknown> = {}) => ({ key: 'loss', value: 1, timestamp: 1, ...over });

describe('run id', () => {
  it('takes run_id, else run_uuid, else answers missing run_id', () => {
    expect(R.RunIdOnly.parse({ run_id: 'a', run_uuid: 'b' })).toEqual({ run_id: 'a' });
    expect(R.RunIdOnly.parse({ run_id: '', run_uuid: 'b' })).toEqual({ run_id: 'b' });
    expect(firstProblem(R.RunIdOnly, {})).toEqual({ missing: 'run_id' });
  });
  it('reports a field problem before a missing run id', () => {
    expect(firstProblem(R.LogMetric, { key: 'm', value: 1 })).toEqual({ invalid: missingMessage('timestamp') });
  });
});

describe('LogBatch', () => {
  it('checks sizes first, in MLflow order, before any entry', () => {
    const bad = { key: '../x', value: 1, timestamp: 1 };
    expect(firstProblem(R.LogBatch, { metrics: Array.from({ length: 1001 }, () => bad) })).toEqual({
      invalid: 'A batch logging request can contain at most 1000 metrics. Got 1001 metrics.',
    });
    const params = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, 'v']));
    expect(firstProblem(R.LogBatch, { run_id: RUN, params })).toEqual({ invalid: 'A batch logging request can contain at most 100 params. Got 101 params.' });
    const tags = Array.from({ length: 101 }, (_, i) => ({ key: `t${i}` }));
    expect(firstProblem(R.LogBatch, { run_id: RUN, tags })).toEqual({ invalid: 'A batch logging request can contain at most 100 tags. Got 101 tags.' });
    const total = { run_id: RUN, metrics: Array.from({ length: 1000 }, () => metric()), params: [{ key: 'p', value: '1' }] };
    expect(firstProblem(R.LogBatch, total)).toEqual({ invalid: 'A batch logging request can contain at most 1000 total metrics, params, and tags. Got 1001.' });
  });

  it('checks each metric with the single-metric wording, and defaults the step', () => {
    expect(firstProblem(R.LogBatch, { run_id: RUN, metrics: [metric(), metric({ value: undefined })] })).toEqual({ invalid: missingMessage('value') });
    expect(firstProblem(R.LogBatch, { run_id: RUN, metrics: [metric({ key: '' })] })).toEqual({ invalid: missingMessage('key') });
    expect(firstProblem(R.LogBatch, { run_id: RUN, metrics: [metric({ timestamp: -1 })] })).toEqual({
      invalid: "Invalid value -1 for parameter 'timestamp' supplied: it must be a non-negative integer.",
    });
    expect(firstProblem(R.LogBatch, { run_id: RUN, metrics: [metric({ key: 'a//b' })] })?.invalid).toContain("Invalid metric name: 'a//b'");
    expect(R.LogBatch.parse({ run_id: RUN, metrics: [metric({ value: 'NaN' })] }).metrics).toEqual([{ key: 'loss', value: NaN, timestamp: 1 }]);
  });

  it('refuses a param key given two values, and keeps one of a repeated pair', () => {
    const two = [
      { key: 'x', value: '1' },
      { key: 'x', value: '2' },
    ];
    expect(firstProblem(R.LogBatch, { run_id: RUN, params: two })).toEqual({
      invalid: "Duplicate parameter keys have been submitted: ['x']. Please ensure the request contains only one param value per param key.",
    });
    const same = [{ key: 'x', value: '1' }, { key: 'y' }, { key: 'x', value: '1' }];
    expect(R.LogBatch.parse({ run_id: RUN, params: same }).params).toEqual([
      { key: 'x', value: '1' },
      { key: 'y', value: '' },
    ]);
    expect(firstProblem(R.LogBatch, { run_id: RUN, params: [{ value: '1' }] })).toEqual({ missing: 'params.key' });
    expect(firstProblem(R.LogBatch, { run_id: RUN, tags: [{ key: 't', value: 'x'.repeat(8001) }] })).toEqual({
      invalid: "'tag value' exceeds the maximum length of 8000 characters (got 8001).",
    });
  });
});

describe('CreateRun', () => {
  it('refuses a run_name that disagrees with the mlflow.runName tag', () => {
    expect(firstProblem(R.CreateRun, { run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] })).toEqual({
      invalid: "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='a', mlflow.runName='b').",
    });
    expect(R.CreateRun.parse({ run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'a' }] }).tags).toEqual([{ key: 'mlflow.runName', value: 'a' }]);
  });
});

describe('LogModel', () => {
  it.each([
    ['{', "Malformed model info. 'model_json' is not valid JSON."],
    ['[1]', "Malformed model info. 'model_json' must be a JSON object."],
    ['{"flavors":{}}', "Model json is missing mandatory fields: ['artifact_path', 'utc_time_created', 'run_id']"],
  ])('refuses %s', (model_json, message) => {
    expect(firstProblem(R.LogModel, { run_id: RUN, model_json })).toEqual({ invalid: message });
  });
  it('decodes the model and requires it', () => {
    const model = { artifact_path: 'm', flavors: {}, utc_time_created: 't', run_id: RUN };
    expect(R.LogModel.parse({ run_id: RUN, model_json: JSON.stringify(model) })).toEqual({ run_id: RUN, model_json: model });
    expect(firstProblem(R.LogModel, { run_id: RUN })).toEqual({ missing: 'model_json' });
  });
});

describe('LogInputs and LogOutputs', () => {
  const dataset = { name: 'iris', digest: 'd1', source_type: 'local', source: '/data' };
  it('names missing fields by index', () => {
    expect(firstProblem(R.LogInputs, { run_id: RUN, datasets: [{ dataset }, {}] })).toEqual({ missing: 'datasets[1].dataset' });
    expect(firstProblem(R.LogInputs, { run_id: RUN, datasets: [{ dataset: { name: 'x' } }] })).toEqual({ missing: 'datasets[0].dataset.digest' });
    expect(firstProblem(R.LogInputs, { run_id: RUN, datasets: [{ dataset, tags: [{ value: 'v' }] }] })).toEqual({ missing: 'datasets[0].tags.key' });
    expect(firstProblem(R.LogInputs, { run_id: RUN, models: [{ model_id: 'm' }, {}] })).toEqual({ missing: 'models[1].model_id' });
    expect(firstProblem(R.LogOutputs, { run_id: RUN, models: [{ step: 1 }] })).toEqual({ missing: 'models[0].model_id' });
  });
  it('applies the dataset and input tag limits', () => {
    expect(firstProblem(R.LogInputs, { run_id: RUN, datasets: [{ dataset: { ...dataset, digest: 'x'.repeat(37) } }] })).toEqual({
      invalid: "'dataset.digest' exceeds the maximum length of 36 characters (got 37).",
    });
    expect(firstProblem(R.LogInputs, { run_id: RUN, datasets: [{ dataset, tags: [{ key: 'k', value: 'v'.repeat(501) }] }] })).toEqual({
      invalid: "'input tag value' exceeds the maximum length of 500 characters (got 501).",
    });
  });
  it('decodes inputs and outputs with their defaults', () => {
    expect(R.LogInputs.parse({ run_uuid: RUN, datasets: [{ dataset: { ...dataset, schema: '' } }], models: [{ model_id: 'm-1' }] })).toEqual({
      run_id: RUN,
      datasets: [{ tags: [], dataset }],
      models: [{ model_id: 'm-1' }],
    });
    expect(R.LogOutputs.parse({ run_id: RUN, models: [{ model_id: 'm-1' }] }).models).toEqual([{ model_id: 'm-1', step: 0 }]);
  });
});

describe('metric histories and datasets', () => {
  it('checks run id lists, steps and max_results', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);
    expect(firstProblem(R.GetMetricHistoryBulkInterval, { metric_key: 'm' })).toEqual({ missing: 'run_ids' });
    expect(firstProblem(R.GetMetricHistoryBulkInterval, { run_ids: ids(101), metric_key: 'm' })?.invalid).toBe(
      'GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids.',
    );
    expect(firstProblem(R.GetMetricHistoryBulkInterval, { run_ids: 'r', metric_key: 'm', start_step: '1' })?.invalid).toBe(
      'If either start step or end step are specified, both must be specified.',
    );
    expect(firstProblem(R.GetMetricHistoryBulkInterval, { run_ids: 'r', metric_key: 'm', start_step: '3', end_step: '1' })?.invalid).toBe(
      'end_step must be greater than start_step. Found start_step=3 and end_step=1.',
    );
    expect(firstProblem(R.GetMetricHistoryBulkInterval, { run_ids: 'r', metric_key: 'm', max_results: '0' })?.invalid).toBe(
      'max_results must be between 1 and 2500. Received 0.',
    );
    expect(firstProblem(R.GetMetricHistoryBulk, { run_id: ids(101), metric_key: 'm' })?.invalid).toBe(
      'GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received 101 run_ids.',
    );
    expect(firstProblem(R.GetMetricHistory, { run_id: RUN })).toEqual({ missing: 'metric_key' });
    expect(firstProblem(R.SearchDatasets, { experiment_ids: ids(21) })?.invalid).toBe(
      'SearchDatasets request cannot specify more than 20 experiment_ids. Received 21 experiment_ids.',
    );
  });
});

describe('artifact requests', () => {
  it('words the upload checks as MLflow does, run_uuid first', () => {
    expect(firstProblem(R.UploadArtifact, {})).toEqual({ invalid: 'Request must specify run_uuid.' });
    expect(firstProblem(R.UploadArtifact, { run_id: RUN })).toEqual({ invalid: 'Request must specify path.' });
    expect(R.UploadArtifact.parse({ run_id: 'b', run_uuid: RUN, path: 'a.txt' })).toEqual({ run_id: RUN, path: 'a.txt' });
    expect(firstProblem(R.ListArtifacts, { path: 'x' })).toEqual({ missing: 'run_id' });
  });
});

describe('loggedModelNameProblem', () => {
  it('accepts plain names and refuses forbidden characters, blanks and long names', () => {
    expect(loggedModelNameProblem('ok-name_1 v2')).toBeUndefined();
    for (const name of ['a/b', 'a:b', 'a.b', 'a%b', 'a"b', "a'b", '  '])
      expect(loggedModelNameProblem(name)).toContain(`Invalid model name '${name}' provided.`);
    expect(loggedModelNameProblem('x'.repeat(501))).toBe("'name' exceeds the maximum length of 500 characters (got 501).");
  });
});
