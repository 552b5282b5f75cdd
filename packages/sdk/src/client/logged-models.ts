import type { LoggedModel, LoggedModelStatus } from '@loupe/protocol';
import { toPage, type Page } from './experiments.js';
import type { RestClient } from './rest-client.js';

/** Options of `createLoggedModel`. */
export interface CreateLoggedModelOptions {
  experimentId: string;
  /** The server generates one when absent. */
  name?: string;
  modelType?: string;
  sourceRunId?: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
}

/** Logged model methods of {@link LoupeClient} (MLflow 3 `LoggedModel`, spec §3). */
export interface LoggedModelMethods {
  createLoggedModel(options: CreateLoggedModelOptions): Promise<LoggedModel>;
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  /** Logged models of experiments, e.g. `filter: "name = 'agent'"`, newest first by default. */
  searchLoggedModels(options: {
    experimentIds: string[];
    filter?: string;
    maxResults?: number;
    pageToken?: string;
    orderBy?: { fieldName: string; ascending?: boolean }[];
  }): Promise<Page<LoggedModel>>;
  /** Marks a model READY (default) or UPLOAD_FAILED once its artifacts are uploaded. */
  finalizeLoggedModel(modelId: string, status?: Extract<LoggedModelStatus, 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED'>): Promise<LoggedModel>;
  setLoggedModelTags(modelId: string, tags: Record<string, string>): Promise<void>;
  deleteLoggedModel(modelId: string): Promise<void>;
}

type Self = { rest: RestClient; getLoggedModel(modelId: string): Promise<LoggedModel> };
const api = (p: string) => `/api/2.0/mlflow/${p}`;
const pairs = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([key, value]) => ({ key, value }));

/** Implementation of {@link LoggedModelMethods}, mixed into {@link LoupeClient}. */
export const loggedModelMethods: LoggedModelMethods & ThisType<Self> = {
  async createLoggedModel(options) {
    const params = pairs(options.params);
    const res = await this.rest.post<{ model: LoggedModel }>(api('logged-models'), {
      experiment_id: options.experimentId,
      ...(options.name ? { name: options.name } : {}),
      ...(options.modelType ? { model_type: options.modelType } : {}),
      ...(options.sourceRunId ? { source_run_id: options.sourceRunId } : {}),
      // MLflow's client sends the first 100 params with create and the rest in batches (spec §3).
      params: params.slice(0, 100),
      tags: pairs(options.tags),
    });
    for (let i = 100; i < params.length; i += 100) {
      await this.rest.post(api(`logged-models/${encodeURIComponent(res.model.info.model_id)}/params`), {
        model_id: res.model.info.model_id,
        params: params.slice(i, i + 100),
      });
    }
    return params.length > 100 ? this.getLoggedModel(res.model.info.model_id) : res.model;
  },
  async getLoggedModel(modelId) {
    return (await this.rest.get<{ model: LoggedModel }>(api(`logged-models/${encodeURIComponent(modelId)}`))).model;
  },
  async searchLoggedModels(options) {
    const res = await this.rest.post<{ models?: LoggedModel[]; next_page_token?: string }>(api('logged-models/search'), {
      experiment_ids: options.experimentIds,
      ...(options.filter ? { filter: options.filter } : {}),
      ...(options.maxResults ? { max_results: options.maxResults } : {}),
      ...(options.pageToken ? { page_token: options.pageToken } : {}),
      ...(options.orderBy ? { order_by: options.orderBy.map((o) => ({ field_name: o.fieldName, ascending: o.ascending ?? true })) } : {}),
    });
    return toPage(res.models, res.next_page_token);
  },
  async finalizeLoggedModel(modelId, status = 'LOGGED_MODEL_READY') {
    return (await this.rest.patch<{ model: LoggedModel }>(api(`logged-models/${encodeURIComponent(modelId)}`), { model_id: modelId, status })).model;
  },
  async setLoggedModelTags(modelId, tags) {
    await this.rest.patch(api(`logged-models/${encodeURIComponent(modelId)}/tags`), { tags: pairs(tags) });
  },
  async deleteLoggedModel(modelId) {
    await this.rest.delete(api(`logged-models/${encodeURIComponent(modelId)}`));
  },
};
