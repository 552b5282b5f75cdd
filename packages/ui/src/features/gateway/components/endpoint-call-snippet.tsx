import { CopyButton } from '../../../shared/components/copy-button';

/**
 * How to call an endpoint: the OpenAI-compatible base URL of this server and a curl request naming
 * the endpoint as the model (any OpenAI client works the same way).
 *
 * @example
 * <EndpointCallSnippet name="chat" />
 */
export function EndpointCallSnippet({ name }: { name: string }) {
  const baseUrl = `${window.location.origin}/gateway/mlflow/v1`;
  const body = JSON.stringify({ model: name, messages: [{ role: 'user', content: 'Hello!' }] });
  const curl = `curl ${baseUrl}/chat/completions \\\n  -H 'content-type: application/json' \\\n  -d '${body}'`;
  return (
    <section aria-label="Call it" className="flex flex-col gap-2">
      <h2 className="text-sm font-semibold">Call it</h2>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Point any OpenAI client at <code className="font-mono text-xs">{baseUrl}</code> <CopyButton value={baseUrl} label="Copy base URL" /> with{' '}
        <code className="font-mono text-xs">model=&quot;{name}&quot;</code>, or:
      </p>
      <div className="relative rounded-lg border border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60">
        <pre aria-label="curl example" className="p-3 pr-14 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap">
          {curl}
        </pre>
        <div className="absolute top-2 right-2">
          <CopyButton value={curl} label="Copy curl example" />
        </div>
      </div>
    </section>
  );
}
