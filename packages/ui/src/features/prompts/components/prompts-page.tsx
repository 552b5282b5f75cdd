import { Link, useSearchParams } from 'react-router';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { AliasChip } from '../../models/components/models-page';
import { usePrompts } from '../hooks/use-prompts';

/**
 * The prompt registry: every prompt, searchable by name, with its newest version and aliases.
 *
 * @example
 * { path: '/prompts', element: <PromptsPage /> }
 */
export function PromptsPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const prompts = usePrompts(search);
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
            onChange={(e) => setParams(e.target.value ? { q: e.target.value } : {}, { replace: true })}
            className="w-64"
          />
        </div>
      </div>
      {prompts.error ? <ErrorBanner error={prompts.error} /> : null}
      {prompts.isPending ? (
        <Spinner label="Loading prompts" />
      ) : prompts.data && prompts.data.length === 0 ? (
        <EmptyState
          title={search ? 'No prompt matches' : 'No prompts yet'}
          hint="Register one with mlflow.genai.register_prompt(name, template) or the SDK's registerPrompt."
        />
      ) : (
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
              {prompts.data?.map((p) => {
                const latest = (p.latest_versions ?? []).reduce((max, v) => Math.max(max, Number(v.version)), 0);
                return (
                  <tr key={p.name} className="border-b border-zinc-100 last:border-0 hover:bg-zinc-50 dark:border-zinc-800/60 dark:hover:bg-zinc-800/40">
                    <td className="px-4 py-2.5">
                      <Link to={`/prompts/${encodeURIComponent(p.name)}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                        {p.name}
                      </Link>
                    </td>
                    <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{latest ? `Version ${latest}` : '—'}</td>
                    <td className="px-4 py-2.5">
                      <span className="flex flex-wrap gap-1">
                        {(p.aliases ?? []).map((a) => (
                          <AliasChip key={a.alias} alias={a.alias} version={a.version} />
                        ))}
                      </span>
                    </td>
                    <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(p.last_updated_timestamp ?? p.creation_timestamp)}>
                      {formatRelative(p.last_updated_timestamp ?? p.creation_timestamp)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
