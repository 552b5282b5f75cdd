import { useListSearch } from '../../../shared/hooks/use-list-search';
import { RegistryListPage } from '../../models/components/registry-list-page';
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
    <RegistryListPage
      title="Prompts"
      noun="prompt"
      emptyTitle="No prompts yet"
      hint="Register one with mlflow.genai.register_prompt(name, template) or the SDK's registerPrompt."
      basePath="/prompts"
      list={list}
      query={prompts}
    />
  );
}
