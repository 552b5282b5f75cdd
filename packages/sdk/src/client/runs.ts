import type { DatasetInput, Run, RunInfo, RunStatus, ViewType } from '@loupe/protocol';
import { RunTagKey } from '@loupe/protocol/attributes';
import { toPage, type Page, type SearchOptions } from './experiments.js';
import type { RestClient } from './rest-client.js';

/** Options of `startRun`. */
export interface StartRunOptions {
  experimentId: string;
  runName?: string;
  tags?: Record<string, string>;
  /** Epoch ms (default now). */
  startTime?: number;
  /** Makes this a child run (tag `mlflow.parentRunId`). */
  parentRunId?: string;
}

/** Step, time and model of a logged metric. */
export interface MetricOptions {
  step?: number;
  /** Epoch ms (default now). */
  timestamp?: number;
  /** Also records the metric on this logged model. */
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

/** Run methods of {@link LoupeClient}. */
export interface RunMethods {
  /** Starts a run (status RUNNING). */
  startRun(options: StartRunOptions): Promise<Run>;
  /** Ends a run: FINISHED by default, or FAILED / KILLED. */
  endRun(runId: string, status?: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>, endTime?: number): Promise<RunInfo>;
  getRun(runId: string): Promise<Run>;
  deleteRun(runId: string): Promise<void>;
  logMetric(runId: string, key: string, value: number, options?: MetricOptions): Promise<void>;
  /** Several metrics at one step (one `log-batch` call per 1,000). */
  logMetrics(runId: string, metrics: Record<string, number>, options?: MetricOptions): Promise<void>;
  /** A parameter; params are write-once (a different value is `INVALID_PARAMETER_VALUE`). */
  logParam(runId: string, key: string, value: string | number | boolean): Promise<void>;
  logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void>;
  setTag(runId: string, key: string, value: string): Promise<void>;
  setTags(runId: string, tags: Record<string, string>): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /**
   * Logs datasets (and logged models) as inputs of the run (`runs/log-inputs`), as MLflow's
   * `MlflowClient.log_inputs` does: `{ dataset: { name, digest, source_type, source, schema?, profile? }, tags? }`.
   */
  logInputs(runId: string, datasets: readonly DatasetInput[], modelIds?: readonly string[]): Promise<void>;
  /** Runs of experiments matching a filter (`metrics.acc > 0.9`, `params.lr = '0.01'`, `tags.team = 'core'`). */
  searchRuns(options: SearchOptions & { experimentIds: string[]; viewType?: ViewType }): Promise<Page<Run>>;
}

type Self = { rest: RestClient; now(): number };
const api = (p: string) => `/api/2.0/mlflow/${p}`;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Implementation of {@link RunMethods}, mixed into {@link LoupeClient}. */
export const runMethods: RunMethods & ThisType<Self> = {
  async startRun(options) {
    const tags = { ...options.tags, ...(options.parentRunId ? { [RunTagKey.PARENT_RUN_ID]: options.parentRunId } : {}) };
    const res = await this.rest.post<{ run: Run }>(api('runs/create'), {
      experiment_id: options.experimentId,
      start_time: options.startTime ?? this.now(),
      ...(options.runName ? { run_name: options.runName } : {}),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    });
    return res.run;
  },
  async endRun(runId, status = 'FINISHED', endTime) {
    return (await this.rest.post<{ run_info: RunInfo }>(api('runs/update'), { run_id: runId, status, end_time: endTime ?? this.now() })).run_info;
  },
  async getRun(runId) {
    return (await this.rest.get<{ run: Run }>(api('runs/get'), { run_id: runId })).run;
  },
  async deleteRun(runId) {
    await this.rest.post(api('runs/delete'), { run_id: runId });
  },
  async logMetric(runId, key, value, options = {}) {
    await this.rest.post(api('runs/log-metric'), { run_id: runId, ...metricBody(key, value, options, this.now()) });
  },
  async logMetrics(runId, metrics, options = {}) {
    const now = this.now();
    const all = Object.entries(metrics).map(([key, value]) => metricBody(key, value, options, now));
    for (const part of chunks(all, 1000)) await this.rest.post(api('runs/log-batch'), { run_id: runId, metrics: part });
  },
  async logParam(runId, key, value) {
    await this.rest.post(api('runs/log-parameter'), { run_id: runId, key, value: String(value) });
  },
  async logParams(runId, params) {
    const all = Object.entries(params).map(([key, value]) => ({ key, value: String(value) }));
    for (const part of chunks(all, 100)) await this.rest.post(api('runs/log-batch'), { run_id: runId, params: part });
  },
  async setTag(runId, key, value) {
    await this.rest.post(api('runs/set-tag'), { run_id: runId, key, value });
  },
  async setTags(runId, tags) {
    const all = Object.entries(tags).map(([key, value]) => ({ key, value }));
    for (const part of chunks(all, 100)) await this.rest.post(api('runs/log-batch'), { run_id: runId, tags: part });
  },
  async deleteTag(runId, key) {
    await this.rest.post(api('runs/delete-tag'), { run_id: runId, key });
  },
  async logInputs(runId, datasets, modelIds = []) {
    await this.rest.post(api('runs/log-inputs'), {
      run_id: runId,
      datasets,
      ...(modelIds.length ? { models: modelIds.map((model_id) => ({ model_id })) } : {}),
    });
  },
  async searchRuns(options) {
    const res = await this.rest.post<{ runs?: Run[]; next_page_token?: string }>(api('runs/search'), {
      experiment_ids: options.experimentIds,
      max_results: options.maxResults ?? 1000,
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.orderBy ? { order_by: options.orderBy } : {}),
      ...(options.pageToken ? { page_token: options.pageToken } : {}),
      ...(options.viewType ? { run_view_type: options.viewType } : {}),
    });
    return toPage(res.runs, res.next_page_token);
  },
};

function metricBody(key: string, value: number, options: MetricOptions, now: number) {
  return {
    key,
    value,
    timestamp: options.timestamp ?? now,
    step: options.step ?? 0,
    ...(options.modelId ? { model_id: options.modelId } : {}),
    ...(options.datasetName ? { dataset_name: options.datasetName } : {}),
    ...(options.datasetDigest ? { dataset_digest: options.datasetDigest } : {}),
  };
}
