import { Link, Outlet, useParams } from 'react-router';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { TabLinks } from '../../../shared/components/tab-links';
import { ShareButton } from '../../settings/components/share-dialog';
import { useExperiment } from '../hooks/use-experiments';

/**
 * An experiment: its name and tabs (Overview, Traces, Sessions, Evaluations, Runs, Review, Datasets, Monitors), each a route of its own.
 *
 * @example
 * { path: '/experiments/:experimentId', element: <ExperimentPage />, children: [...] }
 */
export function ExperimentPage() {
  const { experimentId = '' } = useParams();
  const experiment = useExperiment(experimentId);
  const base = `/experiments/${experimentId}`;
  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="shrink-0 border-b border-zinc-200 bg-white px-6 pt-3 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="text-xs text-zinc-500">
          <Link to="/" className="hover:underline">
            Experiments
          </Link>
          <span className="mx-1.5">/</span>
        </div>
        <div className="mb-2 flex items-center gap-3">
          <h1 className="flex items-baseline gap-3 text-lg font-semibold tracking-tight">
            {experiment.data?.name ?? (experiment.isPending ? '…' : `Experiment ${experimentId}`)}
            <span className="font-mono text-xs font-normal text-zinc-400">ID {experimentId}</span>
            {experiment.data?.lifecycle_stage === 'deleted' ? <span className="text-xs font-normal text-red-600">deleted</span> : null}
          </h1>
          <span className="ml-auto">
            <ShareButton target={{ kind: 'experiment', experimentId }} />
          </span>
        </div>
        <TabLinks
          label="Experiment views"
          tabs={[
            { label: 'Overview', to: `${base}/overview` },
            { label: 'Traces', to: `${base}/traces` },
            { label: 'Sessions', to: `${base}/sessions` },
            { label: 'Evaluations', to: `${base}/evaluations` },
            { label: 'Runs', to: `${base}/runs` },
            { label: 'Review', to: `${base}/review` },
            { label: 'Datasets', to: `${base}/datasets` },
            { label: 'Monitoring', to: `${base}/monitors` },
          ]}
        />
      </div>
      {experiment.error ? (
        <div className="p-6">
          <ErrorBanner error={experiment.error} title="Experiment not found" />
        </div>
      ) : (
        <div className="min-h-0 flex-1 overflow-auto">
          <Outlet />
        </div>
      )}
    </div>
  );
}
