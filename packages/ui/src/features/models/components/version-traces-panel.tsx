import { Link } from 'react-router';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { TraceLinkList } from '../../traces/components/trace-link-list';
import { useModelVersionTraces } from '../hooks/use-models';

/**
 * The traces made with one model version (metadata `mlflow.modelId` naming its logged model, else its
 * run's), each linking to its page, and the same search opened in the experiment's traces view.
 *
 * @example
 * <VersionTracesPanel name="fraud-detector" version="2" />
 */
export function VersionTracesPanel({ name, version }: { name: string; version: string }) {
  const traces = useModelVersionTraces(name, version);
  const { experimentId, filter } = traces.data ?? {};
  return (
    <section aria-label={`Traces made with version ${version}`} className="flex flex-col gap-2">
      <div className="flex items-center gap-3">
        <h2 className="text-sm font-semibold">Traces made with version {version}</h2>
        {experimentId && filter ? (
          <Link
            to={`/experiments/${experimentId}/traces?filter=${encodeURIComponent(filter)}`}
            className="ml-auto text-sm text-indigo-600 hover:underline dark:text-indigo-400"
          >
            Open in traces view
          </Link>
        ) : null}
      </div>
      {filter ? <p className="font-mono text-xs text-zinc-500">{filter}</p> : null}
      {traces.error ? <ErrorBanner error={traces.error} title="Traces not loaded" /> : null}
      {traces.isPending ? (
        <Spinner label="Loading traces" />
      ) : !traces.data ? null : traces.data.traces.length ? (
        <TraceLinkList traces={traces.data.traces} />
      ) : (
        <p className="text-sm text-zinc-400">
          {filter
            ? 'No traces were made with this version yet.'
            : 'This version has no logged model or run to find its traces by (traces name a logged model in their metadata mlflow.modelId).'}
        </p>
      )}
    </section>
  );
}
