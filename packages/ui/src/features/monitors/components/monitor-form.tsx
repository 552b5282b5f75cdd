import type { MonitorComparator, MonitorMetric } from '@loupe/protocol';
import { MONITOR_COMPARATORS } from '@loupe/protocol/monitors';
import { useState } from 'react';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import {
  BLANK_MONITOR,
  formatSpan,
  formProblem,
  INTERVAL_OPTIONS,
  METRIC_OPTIONS,
  metricLabel,
  needsAssessment,
  thresholdHint,
  WINDOW_OPTIONS,
  type MonitorFormValues,
} from '../lib/monitor-form-values';

/** The window or interval choices, with the current value among them even when set through the API. */
function spanOptions(options: readonly number[], current: number): number[] {
  return options.includes(current) ? [...options] : [...options, current].sort((a, b) => a - b);
}

/**
 * A monitor's settings: name, metric (and judge), filter, condition, window, schedule and minimum
 * samples. For creating one or, given `initial`, editing it; `onSubmit` gets the values once
 * `formProblem` finds nothing (the server checks them again and its message is shown).
 *
 * @example
 * <MonitorForm submitLabel="Create monitor" pendingLabel="Creating…" pending={create.isPending} error={create.error}
 *   errorTitle="Not created" onSubmit={(v) => create.mutate(monitorBody(v))} onCancel={close} />
 */
export function MonitorForm({
  initial,
  submitLabel,
  pendingLabel,
  pending,
  error,
  errorTitle,
  onSubmit,
  onCancel,
}: {
  initial?: MonitorFormValues;
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  error: unknown;
  errorTitle: string;
  onSubmit: (values: MonitorFormValues) => void;
  onCancel: () => void;
}) {
  const [v, setValues] = useState<MonitorFormValues>(initial ?? BLANK_MONITOR);
  const set = (change: Partial<MonitorFormValues>) => setValues({ ...v, ...change });
  const problem = formProblem(v);
  const [tried, setTried] = useState(false);
  return (
    <form
      className="flex w-full flex-col gap-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!problem) onSubmit(v);
      }}
    >
      <label className="flex flex-col gap-1">
        <span className="font-medium">Name</span>
        <TextInput aria-label="Monitor name" value={v.name} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Description</span>
        <TextInput aria-label="Monitor description" value={v.description} onChange={(e) => set({ description: e.target.value })} />
      </label>
      <div className="grid grid-cols-2 gap-3">
        <label className="flex flex-col gap-1">
          <span className="font-medium">Metric</span>
          <select aria-label="Metric" className={INPUT_CLASS} value={v.metric} onChange={(e) => set({ metric: e.target.value as MonitorMetric })}>
            {METRIC_OPTIONS.map((m) => (
              <option key={m} value={m}>
                {metricLabel(m)}
              </option>
            ))}
          </select>
        </label>
        {needsAssessment(v.metric) ? (
          <label className="flex flex-col gap-1">
            <span className="font-medium">Judge (assessment name)</span>
            <TextInput
              aria-label="Assessment name"
              placeholder="relevance"
              value={v.assessmentName}
              onChange={(e) => set({ assessmentName: e.target.value })}
            />
          </label>
        ) : null}
      </div>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Traces (filter, optional)</span>
        <TextInput
          aria-label="Trace filter"
          className="font-mono text-xs"
          placeholder="tag.env = 'prod' AND trace.name = 'chat'"
          value={v.filterString}
          onChange={(e) => set({ filterString: e.target.value })}
        />
      </label>
      <div className="grid grid-cols-[auto_1fr] gap-3">
        <label className="flex flex-col gap-1">
          <span className="font-medium">Alert when</span>
          <select
            aria-label="Comparator"
            className={INPUT_CLASS}
            value={v.comparator}
            onChange={(e) => set({ comparator: e.target.value as MonitorComparator })}
          >
            {MONITOR_COMPARATORS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Threshold</span>
          <TextInput aria-label="Threshold" inputMode="decimal" value={v.threshold} onChange={(e) => set({ threshold: e.target.value })} />
          <span className="text-xs text-zinc-500">In {thresholdHint(v.metric)}.</span>
        </label>
      </div>
      <div className="grid grid-cols-3 gap-3">
        <label className="flex flex-col gap-1">
          <span className="font-medium">Window</span>
          <select aria-label="Window" className={INPUT_CLASS} value={v.windowMs} onChange={(e) => set({ windowMs: Number(e.target.value) })}>
            {spanOptions(WINDOW_OPTIONS, v.windowMs).map((ms) => (
              <option key={ms} value={ms}>
                last {formatSpan(ms)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Check every</span>
          <select aria-label="Interval" className={INPUT_CLASS} value={v.intervalMs} onChange={(e) => set({ intervalMs: Number(e.target.value) })}>
            {spanOptions(INTERVAL_OPTIONS, v.intervalMs).map((ms) => (
              <option key={ms} value={ms}>
                {formatSpan(ms)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Min. samples</span>
          <TextInput aria-label="Minimum samples" inputMode="numeric" value={v.minSamples} onChange={(e) => set({ minSamples: e.target.value })} />
        </label>
      </div>
      <label className="flex items-center gap-2">
        <input type="checkbox" aria-label="Enabled" checked={v.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        <span>Enabled: evaluate on schedule</span>
      </label>
      {tried && problem ? <p className="text-sm text-red-600 dark:text-red-400">{problem}</p> : null}
      {error ? <ErrorBanner error={error} title={errorTitle} /> : null}
      <DialogActions onCancel={onCancel} submitLabel={submitLabel} pendingLabel={pendingLabel} pending={pending} />
    </form>
  );
}
