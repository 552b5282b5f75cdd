import { useState } from 'react';
import { Dialog } from '../../../shared/components/dialog';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { TextInput } from '../../../shared/components/text-input';
import { checkTraceFilter } from '../../traces/components/traces-page';
import { useSetJudgeSampling } from '../hooks/use-judges';
import { formatSampleRate, sampleRateFromPercent, type JudgeRow } from '../lib/judge-rows';

/**
 * A judge's online sampling: the share of new traces it judges (0 stops it) and the traces it looks
 * at (a trace filter, checked as typed). Saved as the Python client's `start`/`update` do; the
 * server checks again that the judge can run online and shows why not.
 *
 * @example
 * <JudgeSamplingDialog experimentId="1" judge={row} onClose={() => setEditing(undefined)} />
 */
export function JudgeSamplingDialog({ experimentId, judge, onClose }: { experimentId: string; judge: JudgeRow; onClose: () => void }) {
  const save = useSetJudgeSampling(experimentId);
  // A stopped judge opens at 100%: editing it is how it is started.
  const [rate, setRate] = useState(formatSampleRate(judge.active ? judge.sampleRate : 1).replace('%', ''));
  const [filter, setFilter] = useState(judge.filterString ?? '');
  const [tried, setTried] = useState(false);
  const read = sampleRateFromPercent(rate);
  const filterProblem = filter.trim() ? checkTraceFilter(filter.trim()) : null;
  const problem = 'problem' in read ? read.problem : filterProblem;
  return (
    <Dialog open title={`Sampling of ${judge.name}`} onClose={onClose}>
      <form
        className="flex flex-col gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (problem || 'problem' in read) return;
          save.mutate({ name: judge.name, sampleRate: read.rate, ...(filter.trim() ? { filterString: filter.trim() } : {}) }, { onSuccess: onClose });
        }}
      >
        <label className="flex flex-col gap-1">
          <span className="font-medium">Sample rate (%)</span>
          <TextInput aria-label="Sample rate" inputMode="decimal" value={rate} onChange={(e) => setRate(e.target.value)} className="w-32" />
          <span className="text-xs text-zinc-500">The share of new traces the judge scores; 0 stops it.</span>
        </label>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Traces (filter, optional)</span>
          <TextInput
            aria-label="Judge filter"
            className="font-mono text-xs"
            placeholder="tags.env = 'prod' AND trace.status = 'OK'"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        {tried && problem ? <p className="text-sm text-red-600 dark:text-red-400">{problem}</p> : null}
        {save.error ? <ErrorBanner error={save.error} title="Not saved" /> : null}
        <DialogActions onCancel={onClose} submitLabel="Save" pendingLabel="Saving…" pending={save.isPending} />
      </form>
    </Dialog>
  );
}
