import type { RegisteredModel, TraceInfoV3 } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import { registryNameClause, type ModelPage } from '../../models/hooks/use-models';
import { useRegistryMutations } from '../../models/hooks/use-registry-mutations';
import { promptVersionTags, type PromptTemplate } from '../lib/prompt-template';

const IS_PROMPT = "tags.`mlflow.prompt.is_prompt` = 'true'";

/**
 * One page of prompts (registered models tagged `mlflow.prompt.is_prompt`) matching a name search, by name.
 *
 * @example
 * const { data } = usePrompts('qa', undefined, 25);
 */
export function usePrompts(search: string, pageToken: string | undefined, pageSize: number) {
  return useQuery({
    queryKey: ['registered-models', 'prompts', search, pageToken ?? '', pageSize],
    queryFn: async ({ signal }): Promise<ModelPage> => {
      const name = registryNameClause(search);
      const res = await apiRequest<{ registered_models?: RegisteredModel[]; next_page_token?: string }>('GET', '2.0/mlflow/registered-models/search', {
        query: { filter: name ? `${name} AND ${IS_PROMPT}` : IS_PROMPT, max_results: pageSize, order_by: ['name ASC'], page_token: pageToken },
        signal,
      });
      return { models: res.registered_models ?? [], ...(res.next_page_token ? { nextPageToken: res.next_page_token } : {}) };
    },
    placeholderData: (prev) => prev,
  });
}

/**
 * The traces linked to one prompt version (Loupe's reverse of `mlflow.linkedPrompts`), newest first.
 *
 * @example
 * const { data: traces } = usePromptVersionTraces('qa', '2');
 */
export function usePromptVersionTraces(name: string, version: string | undefined) {
  return useQuery({
    queryKey: ['prompt-version-traces', name, version],
    queryFn: async ({ signal }) =>
      (
        await apiRequest<{ traces?: TraceInfoV3[] }>('GET', '2.0/loupe/prompt-versions/traces', {
          query: { name, version, max_results: 50 },
          signal,
        })
      ).traces ?? [],
    enabled: Boolean(version),
  });
}

/**
 * Moving an alias to a version (the registry's own mutation) and registering a new version, each
 * refreshing the prompt.
 *
 * @example
 * const { setAlias } = usePromptMutations('qa');
 * setAlias.mutate({ alias: 'production', version: '3' });
 */
export function usePromptMutations(name: string) {
  const qc = useQueryClient();
  const { setAlias } = useRegistryMutations(name);
  return {
    setAlias,
    createVersion: useMutation({
      // As the SDK's registerPrompt and MLflow's register_prompt: the commit message is the description.
      mutationFn: ({ template, commitMessage }: { template: PromptTemplate; commitMessage: string }) =>
        apiRequest<{ model_version: { version: string } }>('POST', '2.0/mlflow/model-versions/create', {
          body: { name, source: 'dummy-source', tags: promptVersionTags(template), ...(commitMessage ? { description: commitMessage } : {}) },
        }),
      onSuccess: () => qc.invalidateQueries({ queryKey: ['registered-models'] }),
    }),
  };
}
