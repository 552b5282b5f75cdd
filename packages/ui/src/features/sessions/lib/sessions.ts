import { TraceMetadataKey, type TraceInfoV3 } from '@loupe/protocol';
import { sumKnown } from '../../../shared/lib/format';
import { replyText, requestText } from '../../traces/lib/preview-text';
import { summarizeTrace } from '../../traces/lib/trace-info';

/**
 * Sessions are the traces sharing one `mlflow.trace.session` (metadata): a chat's turns. These group
 * loaded traces into sessions and a session's traces into a conversation.
 */

/** One session, summarized from its loaded traces. */
export interface SessionSummary {
  id: string;
  traceCount: number;
  firstMs: number;
  lastMs: number;
  users: string[];
  /** Summed over the session's traces that report them; undefined when none does (unknown, not 0). */
  totalTokens?: number;
  costUsd?: number;
  errors: number;
  firstRequest: string;
}

/**
 * Groups traces by session, the most recently active first.
 *
 * @example
 * groupSessions(traces)[0]?.traceCount;
 */
export function groupSessions(traces: readonly TraceInfoV3[]): SessionSummary[] {
  const byId = new Map<string, SessionSummary>();
  for (const info of traces) {
    const t = summarizeTrace(info);
    if (!t.session) continue;
    let s = byId.get(t.session);
    if (!s) {
      s = {
        id: t.session,
        traceCount: 0,
        firstMs: t.requestTimeMs,
        lastMs: t.requestTimeMs,
        users: [],
        errors: 0,
        firstRequest: requestText(t.requestPreview),
      };
      byId.set(t.session, s);
    }
    s.traceCount++;
    if (t.requestTimeMs < s.firstMs) {
      s.firstMs = t.requestTimeMs;
      s.firstRequest = requestText(t.requestPreview);
    }
    s.lastMs = Math.max(s.lastMs, t.requestTimeMs);
    if (t.user && !s.users.includes(t.user)) s.users.push(t.user);
    const tokens = sumKnown([s.totalTokens, t.totalTokens]);
    const cost = sumKnown([s.costUsd, t.costUsd]);
    if (tokens !== undefined) s.totalTokens = tokens;
    if (cost !== undefined) s.costUsd = cost;
    if (t.state === 'ERROR') s.errors++;
  }
  return [...byId.values()].sort((a, b) => b.lastMs - a.lastMs);
}

/** One turn of a conversation: what the user asked and what came back, and the trace behind it. */
export interface ConversationTurn {
  traceId: string;
  timeMs: number;
  request: string;
  response: string;
  state: TraceInfoV3['state'];
  latencyMs?: number;
  user?: string;
}

/**
 * A session's traces as turns, oldest first.
 *
 * @example
 * conversation(traces).map((t) => t.request);
 */
export function conversation(traces: readonly TraceInfoV3[]): ConversationTurn[] {
  return traces
    .map((info) => {
      const t = summarizeTrace(info);
      const turn: ConversationTurn = {
        traceId: t.id,
        timeMs: t.requestTimeMs,
        request: requestText(t.requestPreview),
        response: replyText(t.responsePreview),
        state: t.state,
      };
      if (t.latencyMs !== undefined) turn.latencyMs = t.latencyMs;
      if (t.user) turn.user = t.user;
      return turn;
    })
    .sort((a, b) => a.timeMs - b.timeMs);
}

/**
 * The trace filter of one session.
 *
 * @example
 * sessionFilter("s-1"); // "metadata.`mlflow.trace.session` = 's-1'"
 */
export function sessionFilter(sessionId: string): string {
  return `metadata.\`${TraceMetadataKey.SESSION}\` = '${sessionId.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
