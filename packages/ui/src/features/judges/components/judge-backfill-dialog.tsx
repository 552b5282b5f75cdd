import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { DialogActions } from '../../../shared/components/dialog-actions';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { formatCount } from '../../../shared/lib/format';
import { useBackfillJudge } from '../hooks/use-judges';
import { BACKFILL_RANGES, backfillWindow } from '../lib/backfill-window';
import { formatSampleRate, type JudgeRow } from '../lib/judge-rows';

/**
 * A backfill: the judge on past traces of a window (a preset, or from and to), with its sampling (its
 * rate while started, else every trace; its filter). Says how many traces matched and how many
 * judgements were queued; a trace this version already judged is not judged again.
 *
 * @example
 * <JudgeBackfillDialog experimentId="1" judge={row} onClose={() => setBackfilling(undefined)} />
 */
export function JudgeBackfillDialog({ experimentId, judge, onClose }: { experimentId: string; judge: JudgeRow; onClose: () => void }) {
  const backfill = useBackfillJudge(experimentId);
  const [choice, setChoice] = useState('24h');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [tried, setTried] = useState(false);
  // Only a custom window can be wrong; a preset is counted back from the moment of submitting.
  const picked = backfillWindow(choice, custom, 0);
  const done = backfill.data;
  // The server's sampling of a backfill: the rate while started (else every trace), the filter in any case.
  const sampling = `${judge.active ? `${formatSampleRate(judge.sampleRate)} of the traces` : 'every trace'}${judge.filterString ? ' matching its filter' : ''}`;
  return (
    <Dialog open title={`Backfill ${judge.name}`} onClose={onClose}>
      {done ? (
        <div className="flex flex-col gap-3 text-sm">
          <p role="status">
            Queued {formatCount(done.job_count)} judgement{done.job_count === 1 ? '' : 's'} of {formatCount(done.trace_count)} matching trace
            {done.trace_count === 1 ? '' : 's'}. Their assessments appear on the traces as they finish.
          </p>
          <div className="flex justify-end">
            <Button onClick={onClose}>Close</Button>
          </div>
        </div>
      ) : (
        <form
          className="flex flex-col gap-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            setTried(true);
            const w = backfillWindow(choice, custom, Date.now());
            if (!('problem' in w)) backfill.mutate({ name: judge.name, ...w });
          }}
        >
          <p className="text-zinc-600 dark:text-zinc-400">Judges {sampling} that started in the window.</p>
          <label className="flex flex-col gap-1">
            <span className="font-medium">Window</span>
            <select aria-label="Backfill window" className={INPUT_CLASS} value={choice} onChange={(e) => setChoice(e.target.value)}>
              {BACKFILL_RANGES.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
              <option value="custom">Custom range</option>
            </select>
          </label>
          {choice === 'custom' ? (
            <div className="grid grid-cols-2 gap-3">
              <label className="flex flex-col gap-1">
                <span className="font-medium">From</span>
                <TextInput type="datetime-local" aria-label="From" value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.target.value })} />
              </label>
              <label className="flex flex-col gap-1">
                <span className="font-medium">To</span>
                <TextInput type="datetime-local" aria-label="To" value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.target.value })} />
              </label>
            </div>
          ) : null}
          {tried && 'problem' in picked ? <p className="text-sm text-red-600 dark:text-red-400">{picked.problem}</p> : null}
          {backfill.error ? <ErrorBanner error={backfill.error} title="Not queued" /> : null}
          <DialogActions onCancel={onClose} submitLabel="Backfill" pendingLabel="Queuing…" pending={backfill.isPending} />
        </form>
      )}
    </Dialog>
  );
}
