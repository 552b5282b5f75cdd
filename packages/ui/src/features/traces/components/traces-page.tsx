import { ApiError, parseTraceFilter, TraceTagKey } from '@loupe/protocol';
import type { RowSelectionState } from '@tanstack/react-table';
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { useSearchParamsPatch } from '../../../shared/hooks/use-search-params-patch';
import { JudgeRunStatus, RunJudgeButton, type QueuedJudgeRun } from '../../judges/components/run-judge-button';
import { AddToReviewQueueButton } from '../../review/components/add-to-review-queue-button';
import { FilterInput } from '../../search/components/filter-input';
import type { FilterField } from '../../search/lib/filter-autocomplete';
import { useSpanTypes } from '../../search/hooks/use-span-types';
import { traceFilterFields } from '../../search/lib/search-vocabulary';
import { spanTypeHint } from '../../search/lib/span-type-hint';
import { useTraceSearch } from '../hooks/use-traces';
import { TRACE_TIME_RANGES, composeTraceFilter, type TraceFilterState } from '../lib/trace-filters';
import { TracesTable } from './traces-table';

// The datasets code loads when traces are first added to one, keeping the first script small.
const AddToDatasetDialog = lazy(async () => ({ default: (await import('../../datasets/components/add-to-dataset-dialog')).AddToDatasetDialog }));

const SELECT = 'h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900';

/**
 * Checks a trace filter with the protocol's own parser (the server's), for instant feedback.
 *
 * @example
 * checkTraceFilter("span.type = 'LLM'"); // null
 */
export function checkTraceFilter(filter: string): string | null {
  try {
    parseTraceFilter(filter);
    return null;
  } catch (e) {
    return ApiError.is(e) ? e.message : String(e);
  }
}

/**
 * The quick filters above the traces table: status, time range, and a tag as `key=value` (with the
 * tags seen offered).
 *
 * @example
 * <QuickFilters state={state} fields={fields} onChange={(key, value) => setParam(key, value)} />
 */
export function QuickFilters({
  state,
  fields,
  onChange,
}: {
  state: TraceFilterState;
  fields: FilterField[];
  onChange: (key: 'status' | 'range' | 'tag', value: string) => void;
}) {
  const [tagDraft, setTagDraft] = useState(state.tag ?? '');
  return (
    <>
      <select aria-label="Status" value={state.status} onChange={(e) => onChange('status', e.target.value)} className={SELECT}>
        <option value="">Any status</option>
        <option value="OK">OK</option>
        <option value="ERROR">Error</option>
        <option value="IN_PROGRESS">In progress</option>
      </select>
      <select aria-label="Time range" value={state.range} onChange={(e) => onChange('range', e.target.value)} className={SELECT}>
        <option value="">All time</option>
        {TRACE_TIME_RANGES.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
          </option>
        ))}
      </select>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onChange('tag', tagDraft.trim());
        }}
      >
        <TextInput
          aria-label="Tag filter"
          placeholder="tag: key=value"
          list="trace-tag-keys"
          value={tagDraft}
          onChange={(e) => setTagDraft(e.target.value)}
          onBlur={() => onChange('tag', tagDraft.trim())}
          className="w-44"
        />
        <datalist id="trace-tag-keys">
          {fields
            .filter((f) => f.detail === 'tag')
            .flatMap((f) => (f.values ?? []).map((v) => `${f.key.replace(/^tag\./, '').replace(/`/g, '')}=${v}`))
            .slice(0, 100)
            .map((v) => (
              <option key={v} value={v} />
            ))}
        </datalist>
      </form>
    </>
  );
}

/**
 * An experiment's Traces tab: the search grammar with autocompletion, quick filters (status, time
 * range, tag, full text) and the virtualized table. Every filter lives in the URL. Traces selected in
 * the table can be judged now by a registered judge, or added to a review queue or an evaluation dataset.
 *
 * @example
 * { path: 'traces', element: <TracesPage /> }
 */
export function TracesPage() {
  const { experimentId = '' } = useParams();
  const [params] = useSearchParams();
  const state = {
    filter: params.get('filter') ?? '',
    status: params.get('status') ?? '',
    range: params.get('range') ?? '',
    tag: params.get('tag') ?? '',
    text: params.get('text') ?? '',
  };
  const orderBy = params.get('order') ?? 'timestamp_ms DESC';
  // The time range counts back from when it was chosen, so scrolling (more pages) does not move it.
  const [now, setNow] = useState(() => Date.now());
  const filter = composeTraceFilter(state, now);
  const search = useTraceSearch(experimentId, filter, orderBy);
  const traces = useMemo(() => search.data?.pages.flatMap((p) => p.traces ?? []) ?? [], [search.data]);
  const [textDraft, setTextDraft] = useState(state.text);
  const patch = useSearchParamsPatch();
  const set = (key: string, value: string) => patch({ [key]: value });
  // The span types recent traces really have, for autocompletion and the no-result hint: loaded once
  // the filter box is used or the filter names a span type.
  const [filterUsed, setFilterUsed] = useState(false);
  const spanTypes = useSpanTypes(experimentId, filterUsed || /span\.type/i.test(state.filter)).data;
  const fields = useMemo(() => {
    const tags = new Map<string, Set<string>>();
    const metadata = new Set<string>();
    const assessments = new Set<string>();
    for (const t of traces) {
      for (const [k, v] of Object.entries(t.tags ?? {})) {
        if (k === TraceTagKey.ARTIFACT_LOCATION || k === TraceTagKey.SPANS_LOCATION) continue;
        if (!tags.has(k)) tags.set(k, new Set());
        if (v.length < 100) tags.get(k)!.add(v);
      }
      for (const k of Object.keys(t.trace_metadata ?? {})) metadata.add(k);
      for (const a of t.assessments ?? []) assessments.add(a.assessment_name);
    }
    return traceFilterFields({ tags, metadata, assessments, ...(spanTypes ? { spanTypes } : {}) });
  }, [traces, spanTypes]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = search;
  const onEndReached = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const filtered = Boolean(filter);
  // The rows picked for actions on several traces (by trace id); kept while filters change.
  const [selection, setSelection] = useState<RowSelectionState>({});
  const selectedIds = useMemo(() => Object.keys(selection).filter((id) => selection[id]), [selection]);
  const [adding, setAdding] = useState(false);
  const [judgeRun, setJudgeRun] = useState<QueuedJudgeRun>();

  return (
    <div className="flex h-full min-h-0 flex-col gap-3 p-4">
      <div className="flex flex-wrap items-start gap-2">
        <FilterInput
          label="Filter traces"
          placeholder="span.type IN ('LLM', 'CHAT_MODEL') AND tag.env = 'prod'   (Tab completes, Enter applies)"
          value={state.filter}
          fields={fields}
          validate={checkTraceFilter}
          onApply={(f) => set('filter', f)}
          onFocus={() => setFilterUsed(true)}
        />
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            set('text', textDraft.trim());
          }}
        >
          <TextInput
            type="search"
            aria-label="Full-text search"
            placeholder="Search text in spans"
            value={textDraft}
            onChange={(e) => setTextDraft(e.target.value)}
            onBlur={() => set('text', textDraft.trim())}
            className="w-52"
          />
        </form>
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <QuickFilters
          state={state}
          fields={fields}
          onChange={(key, value) => {
            // A new time range counts back from now.
            if (key === 'range') setNow(Date.now());
            set(key, value);
          }}
        />
        <span className="ml-auto text-xs text-zinc-500" aria-live="polite">
          {search.isFetching && !isFetchingNextPage
            ? 'Loading…'
            : `${traces.length.toLocaleString('en-US')}${hasNextPage ? '+' : ''} trace${traces.length === 1 ? '' : 's'}`}
        </span>
      </div>
      {selectedIds.length ? (
        <div role="toolbar" aria-label="Selected traces" className="flex items-center gap-2 text-sm">
          <span className="text-xs text-zinc-600 dark:text-zinc-300">{selectedIds.length} selected</span>
          <RunJudgeButton experimentId={experimentId} traceIds={selectedIds} onQueued={setJudgeRun} onClosed={() => setSelection({})} />
          <AddToReviewQueueButton experimentId={experimentId} traceIds={selectedIds} onAdded={() => setSelection({})} />
          <Button size="sm" onClick={() => setAdding(true)}>
            Add to dataset
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setSelection({})}>
            Clear
          </Button>
        </div>
      ) : null}
      {judgeRun ? <JudgeRunStatus key={judgeRun.queuedAt} experimentId={experimentId} run={judgeRun} onDismiss={() => setJudgeRun(undefined)} /> : null}
      {search.error ? <ErrorBanner error={search.error} title="Search failed" /> : null}
      {search.isPending ? (
        <Spinner label="Loading traces" />
      ) : traces.length === 0 ? (
        <EmptyState
          title={filtered ? 'No trace matches these filters' : 'No traces yet'}
          hint={
            filtered
              ? (spanTypeHint(state.filter, spanTypes) ?? 'Loosen a filter or clear them.')
              : 'Send OpenTelemetry spans to /v1/traces with the header x-mlflow-experiment-id, or trace with MLflow’s clients.'
          }
        />
      ) : (
        <TracesTable
          experimentId={experimentId}
          traces={traces}
          orderBy={orderBy}
          onOrderBy={(o) => set('order', o)}
          onEndReached={onEndReached}
          loadingMore={isFetchingNextPage}
          selection={{ selected: selection, onChange: setSelection }}
        />
      )}
      {adding ? (
        <Suspense fallback={null}>
          <AddToDatasetDialog experimentId={experimentId} traceIds={selectedIds} onClose={() => setAdding(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}
