import { TraceMetadataKey } from '@loupe/protocol/attributes';
import { logFeedback, runScorer, type NamedFeedback, type RowContext, type RowOutcome } from './row-runner.js';
import type { ConversationTurn, Scorer, ScorerInput } from './scorer-types.js';

/** The rows of one session, oldest first. */
export interface SessionGroup {
  sessionId: string;
  turns: RowOutcome[];
}

const requestTime = (o: RowOutcome) => (o.trace ? Date.parse(o.trace.info.request_time) : Number.POSITIVE_INFINITY);

/**
 * Rows grouped by session (trace metadata `mlflow.trace.session`, or a static row's `sessionId`), each
 * group in request-time order (row order breaks ties), as MLflow's `group_traces_by_session`. Rows
 * without a session are in no group.
 *
 * @example
 * groupSessions(outcomes); // [{ sessionId: 'chat-1', turns: [first, second] }]
 */
export function groupSessions(outcomes: readonly RowOutcome[]): SessionGroup[] {
  const groups = new Map<string, RowOutcome[]>();
  for (const o of outcomes) {
    const id = o.trace?.info.trace_metadata?.[TraceMetadataKey.SESSION] ?? o.item.sessionId;
    if (!id) continue;
    const turns = groups.get(id) ?? [];
    turns.push(o);
    groups.set(id, turns);
  }
  return [...groups].map(([sessionId, turns]) => ({
    sessionId,
    turns: turns.sort((a, b) => requestTime(a) - requestTime(b) || a.item.index - b.item.index),
  }));
}

/**
 * Runs the session-level scorers once on a session: they see every turn in `conversation` (oldest
 * first), the first turn's inputs and trace, the last turn's outputs and the turns' expectations merged.
 * Feedback goes on the session's first trace with metadata `mlflow.trace.session`, where MLflow's
 * harness puts it (`evaluate_session_level_scorers`), and into that row's outcome.
 *
 * @example
 * await scoreSession(ctx, group, [conversationScorer]);
 */
export async function scoreSession(ctx: RowContext, group: SessionGroup, scorers: readonly Scorer[]): Promise<NamedFeedback[]> {
  const { turns } = group;
  const first = turns[0]!;
  const last = turns[turns.length - 1]!;
  const conversation: ConversationTurn[] = turns.map((t) => ({ traceId: t.trace?.info.trace_id ?? '', inputs: t.item.inputs, outputs: t.outputs }));
  const input: ScorerInput = {
    inputs: first.item.inputs,
    outputs: last.outputs,
    expectations: Object.assign({}, ...turns.map((t) => t.item.expectations)) as Record<string, unknown>,
    ...(first.trace ? { trace: first.trace } : {}),
    conversation,
  };
  const feedback = (await Promise.all(scorers.map((s) => runScorer(s, input, ctx.signal)))).flat();
  first.feedback.push(...feedback);
  const trace = first.trace;
  if (trace && !ctx.signal?.aborted) {
    await Promise.all(feedback.map((f) => logFeedback(ctx, trace, f, { [TraceMetadataKey.SESSION]: group.sessionId })));
  }
  return feedback;
}
