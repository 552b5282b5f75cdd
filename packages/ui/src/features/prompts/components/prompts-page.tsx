import { EmptyState } from '../../../shared/components/feedback-states';
import { ListSearchInput } from '../../../shared/components/list-search-input';
import { ListTable } from '../../../shared/components/list-table';
import { useListSearch } from '../../../shared/hooks/use-list-search';
import { REGISTRY_COLUMNS, RegisteredModelRow } from '../../models/components/models-page';
import { usePrompts } from '../hooks/use-prompts';

const PAGE_SIZE = 25;

/**
 * The prompt registry: prompts searchable by name, a page at a time, each with its newest version and aliases.
 *
 * @example
 * { path: '/prompts', element: <PromptsPage /> }
 */
export function PromptsPage() {
  const list = useListSearch();
  const prompts = usePrompts(list.search, list.paging.pageToken, PAGE_SIZE);
  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="mb-4 flex items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Prompts</h1>
        <div className="ml-auto">
          <ListSearchInput label="Search prompts" list={list} />
        </div>
      </div>
      <ListTable
        label="Prompts"
        columns={REGISTRY_COLUMNS}
        query={prompts}
        loadingLabel="Loading prompts"
        isEmpty={prompts.data?.models.length === 0}
        empty={
          <EmptyState
            title={list.search ? 'No prompt matches' : 'No prompts yet'}
            hint="Register one with mlflow.genai.register_prompt(name, template) or the SDK's registerPrompt."
          />
        }
        paging={list.paging}
        nextPageToken={prompts.data?.nextPageToken}
      >
        {prompts.data?.models.map((p) => (
          <RegisteredModelRow key={p.name} model={p} href={`/prompts/${encodeURIComponent(p.name)}`} />
        ))}
      </ListTable>
    </div>
  );
}
