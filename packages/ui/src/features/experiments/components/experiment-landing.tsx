import type { Experiment } from '@loupe/protocol';
import { Link, Navigate, useParams } from 'react-router';
import { CopyButton } from '../../../shared/components/copy-button';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { useExperiment, useExperimentContents } from '../hooks/use-experiments';
import { experimentKindOf, landingTab } from '../lib/landing-tab';

function Snippet({ label, code }: { label: string; code: string }) {
  return (
    <div className="relative rounded-md border border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-950">
      <div className="absolute top-1 right-1">
        <CopyButton value={code} label={`Copy ${label}`} />
      </div>
      <pre aria-label={label} className="overflow-auto p-3 pr-14 font-mono text-xs leading-relaxed">
        {code}
      </pre>
    </div>
  );
}

function StartCard({ title, hint, to, link, children }: { title: string; hint: string; to: string; link: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="flex min-w-0 flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div>
        <h3 className="text-sm font-semibold">{title}</h3>
        <p className="mt-0.5 text-sm text-zinc-500 dark:text-zinc-400">{hint}</p>
      </div>
      {children}
      <Link to={to} className="mt-auto text-sm text-indigo-600 hover:underline dark:text-indigo-400">
        {link} →
      </Link>
    </section>
  );
}

/**
 * An experiment with nothing in it yet: how to send it traces or log runs to it, with this server's
 * address and the experiment's id and name filled in.
 *
 * @example
 * <GettingStarted experiment={experiment} />
 */
export function GettingStarted({ experiment }: { experiment: Experiment }) {
  const origin = window.location.origin;
  const name = JSON.stringify(experiment.name);
  const base = `/experiments/${experiment.experiment_id}`;
  return (
    <section aria-label="This experiment is empty" className="mx-auto flex max-w-5xl flex-col gap-4 p-6">
      <div>
        <h2 className="text-base font-semibold">This experiment is empty</h2>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Send it traces from a GenAI app, or log runs from training code: it will open on what it holds.
        </p>
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <StartCard
          title="Trace an app"
          hint="With Loupe's TypeScript SDK, MLflow's Python client, or any OpenTelemetry exporter."
          to={`${base}/traces`}
          link="Traces"
        >
          <Snippet
            label="TypeScript tracing snippet"
            code={`import { init, trace } from '@loupe/sdk';

init({
  trackingUri: '${origin}',
  experimentId: '${experiment.experiment_id}',
});
const ask = trace(callModel, { name: 'ask' });`}
          />
          <Snippet label="OpenTelemetry exporter settings" code={`POST ${origin}/v1/traces\nx-mlflow-experiment-id: ${experiment.experiment_id}`} />
        </StartCard>
        <StartCard title="Log runs" hint="Parameters, metrics and artifacts, with MLflow's clients unchanged." to={`${base}/runs`} link="Runs">
          <Snippet
            label="Python run snippet"
            code={`import mlflow

mlflow.set_tracking_uri("${origin}")
mlflow.set_experiment(${name})
with mlflow.start_run():
    mlflow.log_param("lr", 0.01)
    mlflow.log_metric("loss", 0.42)`}
          />
        </StartCard>
      </div>
    </section>
  );
}

/**
 * `/experiments/:id` with no tab: opens the tab where the experiment's data is (see `landingTab`),
 * replacing the URL so Back skips it, or shows how to start when there is nothing yet.
 *
 * @example
 * { index: true, element: <ExperimentLanding /> }
 */
export function ExperimentLanding() {
  const { experimentId = '' } = useParams();
  const experiment = useExperiment(experimentId);
  const contents = useExperimentContents(experimentId);
  if (contents.error)
    return (
      <div className="p-6">
        <ErrorBanner error={contents.error} title="The experiment's contents could not be read" />
      </div>
    );
  if (!experiment.data || !contents.data)
    return (
      <div className="p-6">
        <Spinner label="Opening the experiment" />
      </div>
    );
  const tab = landingTab({ kind: experimentKindOf(experiment.data.tags), ...contents.data });
  return tab ? <Navigate to={tab} replace /> : <GettingStarted experiment={experiment.data} />;
}
