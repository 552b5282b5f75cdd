import type { LoggedModel, ModelVersion, RegisteredModel, Run, TraceInfoV3 } from '@loupe/protocol';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';

/** MLflow's filter that keeps prompts out of the model list (its UI sends the same). */
const NOT_PROMPT = "tags.`mlflow.prompt.is_prompt` != 'true'";
/** MLflow's filter for prompts and prompt versions. */
const IS_PROMPT = "tags.`mlflow.prompt.is_prompt` = 'true'";

/**
 * A `name ILIKE '%q%'` clause for MLflow's registry search, quotes escaped; undefined for an empty search.
 *
 * @example
 * registryNameClause("bob's"); // "name ILIKE '%bob\\'s%'"
 */
export function registryNameClause(search: string): string | undefined {
  const q = search.trim();
  return q ? `name ILIKE '%${q.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}%'` : undefined;
}

/** One page of registered models. */
export interface ModelPage {
  models: RegisteredModel[];
  nextPageToken?: string;
}

/**
 * One page of registered models (prompts left out), matching a name search, by name.
 *
 * @example
 * const { data } = useRegisteredModels('fraud', undefined, 25);
 */
export function useRegisteredModels(search: string, pageToken: string | undefined, pageSize: number) {
  return useQuery({
    queryKey: ['registered-models', 'list', search, pageToken ?? '', pageSize],
    queryFn: async ({ signal }): Promise<ModelPage> => {
      const name = registryNameClause(search);
      const res = await apiRequest<{ registered_models?: RegisteredModel[]; next_page_token?: string }>('GET', '2.0/mlflow/registered-models/search', {
        query: { filter: name ? `${name} AND ${NOT_PROMPT}` : NOT_PROMPT, max_results: pageSize, order_by: ['name ASC'], page_token: pageToken },
        signal,
      });
      return { models: res.registered_models ?? [], ...(res.next_page_token ? { nextPageToken: res.next_page_token } : {}) };
    },
    placeholderData: (prev) => prev,
  });
}

/**
 * One registered model (or prompt) by name.
 *
 * @example
 * const { data: model } = useRegisteredModel('fraud-detector');
 */
export function useRegisteredModel(name: string) {
  return useQuery({
    queryKey: ['registered-models', 'one', name],
    queryFn: async ({ signal }) =>
      (await apiRequest<{ registered_model: RegisteredModel }>('GET', '2.0/mlflow/registered-models/get', { query: { name }, signal })).registered_model,
  });
}

/**
 * Every version of a registered model, newest first (paged through on the server, 1,000 at a time).
 * Prompt versions are found only when asked for (`prompt`), as MLflow's search leaves them out otherwise.
 *
 * @example
 * const { data: versions } = useModelVersions('fraud-detector');
 * const { data: promptVersions } = useModelVersions('qa-prompt', true);
 */
export function useModelVersions(name: string, prompt = false) {
  return useQuery({
    queryKey: ['registered-models', 'versions', name, prompt],
    queryFn: async ({ signal }) => {
      const out: ModelVersion[] = [];
      let pageToken: string | undefined;
      do {
        const res = await apiRequest<{ model_versions?: ModelVersion[]; next_page_token?: string }>('GET', '2.0/mlflow/model-versions/search', {
          query: {
            filter: `name = '${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'${prompt ? ` AND ${IS_PROMPT}` : ''}`,
            max_results: 1000,
            order_by: ['version_number DESC'],
            page_token: pageToken,
          },
          signal,
        });
        out.push(...(res.model_versions ?? []));
        pageToken = res.next_page_token || undefined;
      } while (pageToken);
      return out;
    },
  });
}

/**
 * The experiment of a run, to link a version's source to the run's page.
 *
 * @example
 * const { data: run } = useRunInfo('abc123');
 */
export function useRunInfo(runId: string | undefined) {
  return useQuery({
    queryKey: ['runs', 'info', runId],
    queryFn: async ({ signal }) => (await apiRequest<{ run: Run }>('GET', '2.0/mlflow/runs/get', { query: { run_id: runId }, signal })).run.info,
    enabled: Boolean(runId),
    staleTime: Infinity,
  });
}

/**
 * A logged model (`models:/m-...`), for its experiment and source run.
 *
 * @example
 * const { data: model } = useLoggedModel('m-0123');
 */
export function useLoggedModel(modelId: string | undefined) {
  return useQuery({
    queryKey: ['logged-models', 'one', modelId],
    queryFn: async ({ signal }) =>
      (await apiRequest<{ model: LoggedModel }>('GET', `2.0/mlflow/logged-models/${encodeURIComponent(modelId ?? '')}`, { signal })).model,
    enabled: Boolean(modelId),
    staleTime: Infinity,
  });
}

/** The traces made with one model version, and the experiment and trace filter that found them. */
export interface ModelVersionTraces {
  traces: TraceInfoV3[];
  /** Absent when the version has neither a logged model nor a run to find traces by. */
  experimentId?: string;
  filter?: string;
}

/**
 * The newest traces made with a model version (traces whose metadata `mlflow.modelId` names its logged
 * model, else its run's), from Loupe's `loupe/model-versions/traces`.
 *
 * @example
 * const { data } = useModelVersionTraces('fraud-detector', '2');
 * data?.filter; // "metadata.`mlflow.modelId` = 'm-…'"
 */
export function useModelVersionTraces(name: string, version: string | undefined) {
  return useQuery({
    queryKey: ['model-version-traces', name, version],
    queryFn: async ({ signal }): Promise<ModelVersionTraces> => {
      const res = await apiRequest<{ traces?: TraceInfoV3[]; experiment_id?: string; filter?: string }>('GET', '2.0/loupe/model-versions/traces', {
        query: { name, version, max_results: 50 },
        signal,
      });
      return {
        traces: res.traces ?? [],
        ...(res.experiment_id !== undefined ? { experimentId: res.experiment_id } : {}),
        ...(res.filter !== undefined ? { filter: res.filter } : {}),
      };
    },
    enabled: Boolean(version),
  });
}
