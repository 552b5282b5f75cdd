import { useSearchParams } from 'react-router';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { Pager } from '../../../shared/components/pager';
import { TextInput } from '../../../shared/components/text-input';
import { usePageToken } from '../../../shared/hooks/use-page-token';
import { RegisteredModelRow } from '../../models/components/models-page';
import { usePrompts } from '../hooks/use-prompts';

const PAGE_SIZE = 25;

/**
 * The prompt registry: prompts searchable by name, a page at a time, each with its newest version and aliases.
 *
 * @example
 * { path: '/prompts', element: <PromptsPage /> }
 */
export function PromptsPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const paging = usePageToken();
  const prompts = usePrompts(search, paging.pageToken, PAGE_SIZE);
  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="mb-4 flex items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">Prompts</h1>
        <div className="ml-auto">
          <TextInput
            type="search"
            placeholder="Search by name"
            aria-label="Search prompts"
            value={search}
            onChange={(e) => {
              setParams(e.target.value ? { q: e.target.value } : {}, { replace: true });
              paging.reset();
            }}
            className="w-64"
          />
        </div>
      </div>
      {prompts.error ? <ErrorBanner error={prompts.error} /> : null}
      {prompts.isPending ? (
        <Spinner label="Loading prompts" />
      ) : prompts.data && prompts.data.models.length === 0 ? (
        <EmptyState
          title={search ? 'No prompt matches' : 'No prompts yet'}
          hint="Register one with mlflow.genai.register_prompt(name, template) or the SDK's registerPrompt."
        />
      ) : (
        <>
          <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table className="w-full text-sm" aria-label="Prompts">
              <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  <th className="px-4 py-2 font-medium">Name</th>
                  <th className="px-4 py-2 font-medium">Latest version</th>
                  <th className="px-4 py-2 font-medium">Aliases</th>
                  <th className="px-4 py-2 font-medium">Last updated</th>
                </tr>
              </thead>
              <tbody>
                {prompts.data?.models.map((p) => (
                  <RegisteredModelRow key={p.name} model={p} href={`/prompts/${encodeURIComponent(p.name)}`} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager paging={paging} nextPageToken={prompts.data?.nextPageToken} />
        </>
      )}
    </div>
  );
}
