import type { Hono } from 'hono';

type Json = Record<string, unknown>;

/** What a test trace looks like. */
export interface TestTrace {
  /** Request time, epoch ms. */
  at: number;
  state?: 'OK' | 'ERROR';
  durationMs?: number;
  tags?: Record<string, string>;
  /** Token totals and cost as the client reports them (`mlflow.trace.tokenUsage`, `mlflow.trace.cost`). */
  usage?: { totalTokens: number; totalCost: number };
  /** A judge's score on it (assessment name to value). */
  scores?: Record<string, unknown>;
}

let traces = 0;

/**
 * Calls the app with a JSON body and fails on anything but 200.
 *
 * @example
 * const { monitor } = await callOk(loupe.app, 'POST', '/api/2.0/loupe/monitors', { ... });
 */
export async function callOk(app: Hono, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await app.request(
    path,
    body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

/**
 * Logs finished traces (StartTraceV3) in an experiment, with their judges' scores (CreateAssessment).
 *
 * @example
 * await logTraces(loupe.app, exp, [{ at: clock.now() - 1000, state: 'ERROR' }]);
 */
export async function logTraces(app: Hono, experimentId: string, list: readonly TestTrace[]): Promise<string[]> {
  const ids: string[] = [];
  for (const t of list) {
    const traceId = `tr-${(++traces).toString(16).padStart(32, '0')}`;
    ids.push(traceId);
    await callOk(app, 'POST', '/api/3.0/mlflow/traces', {
      trace: {
        trace_info: {
          trace_id: traceId,
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
          request_time: new Date(t.at).toISOString(),
          execution_duration: `${(t.durationMs ?? 100) / 1000}s`,
          state: t.state ?? 'OK',
          tags: t.tags ?? {},
          ...(t.usage
            ? {
                trace_metadata: {
                  'mlflow.trace.tokenUsage': JSON.stringify({ input_tokens: t.usage.totalTokens, output_tokens: 0, total_tokens: t.usage.totalTokens }),
                  'mlflow.trace.cost': JSON.stringify({ input_cost: t.usage.totalCost, output_cost: 0, total_cost: t.usage.totalCost }),
                },
              }
            : {}),
        },
      },
    });
    for (const [name, value] of Object.entries(t.scores ?? {})) {
      await callOk(app, 'POST', `/api/3.0/mlflow/traces/${traceId}/assessments`, {
        assessment: { assessment_name: name, trace_id: traceId, source: { source_type: 'LLM_JUDGE', source_id: 'judge' }, feedback: { value } },
      });
    }
  }
  return ids;
}
