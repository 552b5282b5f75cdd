import { RunTagKey, type Run } from '@loupe/protocol';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { CopyButton } from '../../../shared/components/copy-button';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { StatusBadge } from '../../../shared/components/status-badge';
import { ButtonTabs } from '../../../shared/components/tab-links';
import { TextInput } from '../../../shared/components/text-input';
import { formatDuration, formatMetric, formatTimestamp } from '../../../shared/lib/format';
import { useMetricHistory, useRun } from '../hooks/use-runs';
import { isSystemTag, runDuration, runUser, type MetricXAxis } from '../lib/run-values';
import { ArtifactBrowser } from './artifact-browser';
import { MetricChart, X_AXES } from './metric-chart';
import { RunTags } from './run-tags';

type Tab = 'overview' | 'params' | 'metrics' | 'artifacts';

function KeyValueTable({ rows, label }: { rows: [string, React.ReactNode][]; label: string }) {
  return (
    <table aria-label={label} className="w-full text-sm">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k} className="border-b border-zinc-100 dark:border-zinc-800">
            <th scope="row" className="w-1/3 py-1.5 pr-3 text-left font-mono text-xs font-normal break-all text-zinc-500">
              {k}
            </th>
            <td className="py-1.5 break-all">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="mb-2 text-xs font-semibold text-zinc-500 uppercase">{title}</h2>
      {children}
    </section>
  );
}

function Overview({ run }: { run: Run }) {
  const tags = run.data.tags ?? [];
  const tag = (k: string) => tags.find((t) => t.key === k)?.value;
  const facts: [string, React.ReactNode][] = [
    ['Run ID', <span className="font-mono text-xs">{run.info.run_id}</span>],
    ['Status', <StatusBadge status={run.info.status} />],
    ['Started', formatTimestamp(run.info.start_time)],
    ['Ended', run.info.end_time ? formatTimestamp(run.info.end_time) : '—'],
    ['Duration', formatDuration(runDuration(run, Date.now()))],
    ['User', runUser(run) ?? '—'],
    ['Source', tag(RunTagKey.SOURCE_NAME) ?? '—'],
    ['Git commit', tag(RunTagKey.GIT_COMMIT) ?? '—'],
    ['Parent run', tag(RunTagKey.PARENT_RUN_ID) ?? '—'],
    ['Artifact URI', <span className="font-mono text-xs">{run.info.artifact_uri}</span>],
    ['Lifecycle', run.info.lifecycle_stage],
  ];
  const description = tag(RunTagKey.NOTE);
  const metrics = [...(run.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <Card title="About this run">
        {description ? <p className="mb-3 text-sm whitespace-pre-wrap">{description}</p> : null}
        <KeyValueTable label="Run facts" rows={facts} />
      </Card>
      <div className="flex flex-col gap-4">
        <Card title={`Metrics (${metrics.length})`}>
          {metrics.length ? (
            <KeyValueTable label="Latest metrics" rows={metrics.map((m) => [m.key, <span className="tabular-nums">{formatMetric(m.value)}</span>])} />
          ) : (
            <p className="text-sm text-zinc-400">No metrics</p>
          )}
        </Card>
        <Card title="Tags">
          <RunTags runId={run.info.run_id} tags={tags.filter((t) => !isSystemTag(t.key))} />
        </Card>
      </div>
    </div>
  );
}

function Params({ run }: { run: Run }) {
  const [q, setQ] = useState('');
  const params = (run.data.params ?? [])
    .filter((p) => !q || p.key.toLowerCase().includes(q.toLowerCase()) || p.value.toLowerCase().includes(q.toLowerCase()))
    .sort((a, b) => a.key.localeCompare(b.key));
  return (
    <Card title={`Params (${run.data.params?.length ?? 0})`}>
      <TextInput type="search" aria-label="Search params" placeholder="Search params" value={q} onChange={(e) => setQ(e.target.value)} className="mb-2 w-64" />
      {params.length ? <KeyValueTable label="Params" rows={params.map((p) => [p.key, p.value])} /> : <p className="text-sm text-zinc-400">No params</p>}
    </Card>
  );
}

function OneMetric({ runId, metric, axis, label }: { runId: string; metric: string; axis: MetricXAxis; label: string }) {
  const history = useMetricHistory(runId, metric);
  const histories = useMemo(() => (history.data ? [history.data] : undefined), [history.data]);
  const labels = useMemo(() => [label], [label]);
  return <MetricChart metric={metric} histories={histories} labels={labels} axis={axis} loading={history.isPending} error={history.error} />;
}

function Metrics({ run }: { run: Run }) {
  const [axis, setAxis] = useState<MetricXAxis>('step');
  const keys = [...new Set((run.data.metrics ?? []).map((m) => m.key))].sort();
  if (!keys.length) return <p className="text-sm text-zinc-500">This run has no metrics.</p>;
  return (
    <div className="flex flex-col gap-3">
      <label className="flex items-center gap-2 self-end text-sm text-zinc-600 dark:text-zinc-400">
        X axis
        <select
          aria-label="X axis"
          value={axis}
          onChange={(e) => setAxis(e.target.value as MetricXAxis)}
          className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        >
          {X_AXES.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </select>
      </label>
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
        {keys.map((k) => (
          <OneMetric key={k} runId={run.info.run_id} metric={k} axis={axis} label={run.info.run_name} />
        ))}
      </div>
    </div>
  );
}

/**
 * A run: overview (facts, latest metrics, editable tags), params, metric charts by step or time, and
 * the artifact browser. The tab is in the URL (`?tab=`).
 *
 * @example
 * { path: 'runs/:runId', element: <RunPage /> }
 */
export function RunPage() {
  const { experimentId = '', runId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = (['overview', 'params', 'metrics', 'artifacts'].includes(params.get('tab') ?? '') ? params.get('tab') : 'overview') as Tab;
  const run = useRun(runId);
  return (
    <div className="flex flex-col gap-3 p-6">
      <div className="text-xs text-zinc-500">
        <Link to={`/experiments/${experimentId}/runs`} className="hover:underline">
          ← Runs
        </Link>
      </div>
      {run.error ? <ErrorBanner error={run.error} title="Run not found" /> : null}
      {run.isPending ? <Spinner label="Loading run" /> : null}
      {run.data ? (
        <>
          <div className="flex items-center gap-3">
            <h1 className="text-lg font-semibold tracking-tight">{run.data.info.run_name}</h1>
            <StatusBadge status={run.data.info.status} />
            <span className="font-mono text-xs text-zinc-400">{run.data.info.run_id}</span>
            <CopyButton value={run.data.info.run_id} label="Copy run id" />
          </div>
          <ButtonTabs
            label="Run views"
            value={tab}
            onChange={(t) => setParams(t === 'overview' ? {} : { tab: t }, { replace: true })}
            tabs={[
              { id: 'overview', label: 'Overview' },
              { id: 'params', label: `Params (${run.data.data.params?.length ?? 0})` },
              { id: 'metrics', label: `Metrics (${new Set((run.data.data.metrics ?? []).map((m) => m.key)).size})` },
              { id: 'artifacts', label: 'Artifacts' },
            ]}
          />
          {tab === 'overview' ? <Overview run={run.data} /> : null}
          {tab === 'params' ? <Params run={run.data} /> : null}
          {tab === 'metrics' ? <Metrics run={run.data} /> : null}
          {tab === 'artifacts' ? <ArtifactBrowser runId={runId} /> : null}
        </>
      ) : null}
    </div>
  );
}
