import { ApiError, parseRunFilter } from '@loupe/protocol';
import { useCallback, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { useSearchParamsPatch } from '../../../shared/hooks/use-search-params-patch';
import { FilterInput } from '../../search/components/filter-input';
import { runFilterFields } from '../../search/lib/search-vocabulary';
import { useRunSearch } from '../hooks/use-runs';
import { runKeys } from '../lib/run-values';
import { RunsTable } from './runs-table';

/**
 * Checks a run filter with the protocol's own parser (the server's).
 *
 * @example
 * checkRunFilter('metrics.acc > 0.9'); // null
 */
export function checkRunFilter(filter: string): string | null {
  try {
    parseRunFilter(filter);
    return null;
  } catch (e) {
    return ApiError.is(e) ? e.message : String(e);
  }
}

/**
 * An experiment's Runs tab: the run search grammar (with autocompletion over the metrics, params and
 * tags in use), the virtualized table, and a comparison of the selected runs.
 *
 * @example
 * { path: 'runs', element: <RunsPage /> }
 */
export function RunsPage() {
  const { experimentId = '' } = useParams();
  const [params] = useSearchParams();
  const filter = params.get('filter') ?? '';
  const orderBy = params.get('order') ?? 'attributes.start_time DESC';
  const search = useRunSearch(experimentId, filter, orderBy);
  const runs = useMemo(() => search.data?.pages.flatMap((p) => p.runs ?? []) ?? [], [search.data]);
  const keys = useMemo(() => runKeys(runs), [runs]);
  const fields = useMemo(() => {
    const paramValues = new Map<string, Set<string>>();
    const tagValues = new Map<string, Set<string>>();
    for (const r of runs) {
      for (const p of r.data.params ?? []) (paramValues.get(p.key) ?? paramValues.set(p.key, new Set()).get(p.key)!).add(p.value);
      for (const t of r.data.tags ?? []) if (t.value.length < 100) (tagValues.get(t.key) ?? tagValues.set(t.key, new Set()).get(t.key)!).add(t.value);
    }
    return runFilterFields({ metrics: new Set(keys.metrics), params: paramValues, tags: tagValues });
  }, [runs, keys]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = useCallback(
    (id: string) =>
      setSelected((s) => {
        const next = new Set(s);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );
  const navigate = useNavigate();
  const patch = useSearchParamsPatch();
  const set = (key: string, value: string) => patch({ [key]: value });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = search;
  const onEndReached = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  return (
    <div className="flex h-full min-h-0 flex-col gap-3 p-4">
      <div className="flex items-start gap-2">
        <FilterInput
          label="Filter runs"
          placeholder="metrics.accuracy > 0.9 AND params.lr = '0.01'"
          value={filter}
          fields={fields}
          validate={checkRunFilter}
          onApply={(f) => set('filter', f)}
        />
        <Button
          variant="primary"
          disabled={selected.size < 2}
          onClick={() => navigate(`/experiments/${experimentId}/runs/compare?runs=${[...selected].join(',')}`)}
        >
          Compare {selected.size >= 2 ? `(${selected.size})` : ''}
        </Button>
      </div>
      <div className="text-xs text-zinc-500" aria-live="polite">
        {search.isFetching && !isFetchingNextPage
          ? 'Loading…'
          : `${runs.length.toLocaleString('en-US')}${hasNextPage ? '+' : ''} run${runs.length === 1 ? '' : 's'}`}
        {selected.size ? ` · ${selected.size} selected` : ''}
      </div>
      {search.error ? <ErrorBanner error={search.error} title="Search failed" /> : null}
      {search.isPending ? (
        <Spinner label="Loading runs" />
      ) : runs.length === 0 ? (
        <EmptyState
          title={filter ? 'No run matches this filter' : 'No runs yet'}
          hint="Log runs with MLflow's clients: mlflow.start_run(), log_param, log_metric."
        />
      ) : (
        <RunsTable
          experimentId={experimentId}
          runs={runs}
          keys={keys}
          orderBy={orderBy}
          onOrderBy={(o) => set('order', o)}
          selected={selected}
          onToggle={toggle}
          onEndReached={onEndReached}
        />
      )}
    </div>
  );
}
