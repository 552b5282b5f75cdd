import { useListSearch } from '../../../shared/hooks/use-list-search';
import { useRegisteredModels } from '../hooks/use-models';
import { RegistryListPage } from './registry-list-page';

const PAGE_SIZE = 25;

/**
 * The model registry: registered models (prompts left out, as MLflow's UI does), searchable by name, a page at a time.
 *
 * @example
 * { path: '/models', element: <ModelsPage /> }
 */
export function ModelsPage() {
  const list = useListSearch();
  const models = useRegisteredModels(list.search, list.paging.pageToken, PAGE_SIZE);
  return (
    <RegistryListPage
      title="Models"
      tableLabel="Registered models"
      noun="model"
      emptyTitle="No registered models yet"
      hint="Register one with MLflow's client: mlflow.register_model('runs:/<run_id>/model', 'name')."
      basePath="/models"
      list={list}
      query={models}
    />
  );
}
