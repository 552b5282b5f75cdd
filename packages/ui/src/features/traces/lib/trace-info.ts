import { MLFLOW_KEY_PREFIX, TraceMetadataKey, TraceTagKey, type Assessment, type TraceInfoV3 } from '@loupe/protocol';
import { parseProtoDuration, tokenCounts } from '../../../shared/lib/format';

/**
 * What the traces table and trace header read from a TraceInfoV3: name, latency, token usage, cost,
 * session, user, the user's own tags, assessments.
 */

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The numbers of one trace, ready for a row. */
export interface TraceSummary {
  id: string;
  name: string;
  requestTimeMs: number;
  latencyMs?: number;
  state: TraceInfoV3['state'];
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  costUsd?: number;
  session?: string;
  user?: string;
  /** Tags the user set (MLflow's own `mlflow.*` tags left out). */
  tags: Record<string, string>;
  assessments: Assessment[];
  spanCount?: number;
  requestPreview: string;
  responsePreview: string;
}

const num = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;

/**
 * Summarizes a trace info for display.
 *
 * @example
 * summarizeTrace(info).latencyMs; // 532
 */
export function summarizeTrace(info: TraceInfoV3): TraceSummary {
  const usage = parseJson(info.trace_metadata?.[TraceMetadataKey.TOKEN_USAGE]);
  const cost = parseJson(info.trace_metadata?.[TraceMetadataKey.COST]);
  const size = parseJson(info.trace_metadata?.[TraceMetadataKey.SIZE_STATS]);
  const tags = Object.fromEntries(Object.entries(info.tags ?? {}).filter(([k]) => !k.startsWith(MLFLOW_KEY_PREFIX)));
  const summary: TraceSummary = {
    id: info.trace_id,
    name: info.tags?.[TraceTagKey.TRACE_NAME] ?? '',
    requestTimeMs: Date.parse(info.request_time),
    state: info.state,
    tags,
    assessments: info.assessments ?? [],
    requestPreview: info.request_preview ?? '',
    responsePreview: info.response_preview ?? '',
  };
  const latency = parseProtoDuration(info.execution_duration);
  if (latency !== undefined && info.state !== 'IN_PROGRESS') summary.latencyMs = latency;
  const put = <K extends keyof TraceSummary>(key: K, v: TraceSummary[K] | undefined) => {
    if (v !== undefined) summary[key] = v;
  };
  // Completed as the server completes them: the total is always input + output.
  const tokens = tokenCounts(usage);
  put('inputTokens', tokens?.inputTokens);
  put('outputTokens', tokens?.outputTokens);
  put('totalTokens', tokens?.totalTokens);
  put('costUsd', num(cost?.total_cost));
  put('session', info.trace_metadata?.[TraceMetadataKey.SESSION] || undefined);
  put('user', info.trace_metadata?.[TraceMetadataKey.USER] || undefined);
  put('spanCount', num(size?.num_spans));
  return summary;
}

/**
 * An assessment's value as short text: feedback values, expectation values, or the error.
 *
 * @example
 * assessmentValueText({ feedback: { value: true } } as Assessment); // 'true'
 */
export function assessmentValueText(a: Pick<Assessment, 'feedback' | 'expectation'>): string {
  if (a.feedback) {
    if (a.feedback.error) return `error: ${a.feedback.error.error_message ?? a.feedback.error.error_code ?? ''}`;
    const v = a.feedback.value;
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  if (a.expectation) {
    if (a.expectation.serialized_value) return a.expectation.serialized_value.value;
    const v = a.expectation.value;
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  return '';
}

/**
 * Whether an assessment reads as good (true, yes, pass, positive numbers), bad, or neither.
 *
 * @example
 * assessmentSentiment({ feedback: { value: false } } as Assessment); // 'negative'
 */
export function assessmentSentiment(a: Pick<Assessment, 'feedback'>): 'positive' | 'negative' | 'neutral' {
  const v = a.feedback?.value;
  if (v === true || (typeof v === 'string' && /^(yes|true|pass|good|correct|thumbs_up|👍)$/i.test(v))) return 'positive';
  if (v === false || (typeof v === 'string' && /^(no|false|fail|bad|incorrect|thumbs_down|👎)$/i.test(v))) return 'negative';
  return 'neutral';
}
