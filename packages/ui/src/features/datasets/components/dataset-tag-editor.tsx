import { TagListEditor } from '../../../shared/components/tag-list-editor';
import { useDatasetMutations } from '../hooks/use-datasets';

/**
 * A dataset's tags (those a person set; `mlflow.*` ones are shown as fields): each removable, and a key
 * and value to add or overwrite one (SetDatasetTags merges, DeleteDatasetTag removes).
 *
 * @example
 * <DatasetTagEditor datasetId="d-…" tags={[['team', 'search']]} />
 */
export function DatasetTagEditor({ datasetId, tags }: { datasetId: string; tags: [string, string][] }) {
  const mutations = useDatasetMutations(datasetId);
  return <TagListEditor tags={tags} mutations={mutations} heading="h3" submitLabel="Set tag" />;
}
