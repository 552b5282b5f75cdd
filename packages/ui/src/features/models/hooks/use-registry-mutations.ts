import type { ModelVersionStage } from '@loupe/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';

/**
 * The legacy stages a model version can be in, in MLflow's order (kept here, not imported, so the UI
 * bundle takes no runtime value from the protocol's zod schemas).
 */
export const MODEL_STAGES: readonly ModelVersionStage[] = ['None', 'Staging', 'Production', 'Archived'];

/**
 * The edits of a registered model (or prompt) MLflow's registry pages make: description, tags, aliases
 * and a version's stage. Each refreshes every registry query (`['registered-models', ...]`), so the
 * model, its versions and the lists show the change.
 *
 * @example
 * const { setAlias, transitionStage } = useRegistryMutations('fraud-detector');
 * setAlias.mutate({ alias: 'champion', version: '3' });
 * transitionStage.mutate({ version: '3', stage: 'Production' });
 */
export function useRegistryMutations(name: string) {
  const qc = useQueryClient();
  const onSuccess = () => qc.invalidateQueries({ queryKey: ['registered-models'] });
  const MODELS = '2.0/mlflow/registered-models';
  return {
    updateDescription: useMutation({
      mutationFn: (description: string) => apiRequest('PATCH', `${MODELS}/update`, { body: { name, description } }),
      onSuccess,
    }),
    setTag: useMutation({
      mutationFn: ({ key, value }: { key: string; value: string }) => apiRequest('POST', `${MODELS}/set-tag`, { body: { name, key, value } }),
      onSuccess,
    }),
    deleteTag: useMutation({
      mutationFn: (key: string) => apiRequest('DELETE', `${MODELS}/delete-tag`, { body: { name, key } }),
      onSuccess,
    }),
    setAlias: useMutation({
      mutationFn: ({ alias, version }: { alias: string; version: string }) => apiRequest('POST', `${MODELS}/alias`, { body: { name, alias, version } }),
      onSuccess,
    }),
    deleteAlias: useMutation({
      mutationFn: (alias: string) => apiRequest('DELETE', `${MODELS}/alias`, { body: { name, alias } }),
      onSuccess,
    }),
    // As MLflow's model page: moving one version never archives the others.
    transitionStage: useMutation({
      mutationFn: ({ version, stage }: { version: string; stage: ModelVersionStage }) =>
        apiRequest('POST', '2.0/mlflow/model-versions/transition-stage', { body: { name, version, stage, archive_existing_versions: false } }),
      onSuccess,
    }),
  };
}
