import type { Assessment, TraceInfoV3 } from '@loupe/protocol';

let seq = 0;

/**
 * A feedback or expectation assessment for the evaluation tests.
 *
 * @example
 * assessment('correctness', { feedback: { value: 'yes' } });
 */
export function assessment(name: string, body: Partial<Assessment>): Assessment {
  seq++;
  const time = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
  return {
    assessment_id: `a-${seq}`,
    assessment_name: name,
    trace_id: 'tr-1',
    source: { source_type: body.expectation ? 'HUMAN' : 'LLM_JUDGE', source_id: 'judge' },
    create_time: time,
    last_update_time: time,
    valid: true,
    ...body,
  };
}

/**
 * A trace info of an evaluation row for the evaluation tests.
 *
 * @example
 * traceInfo('tr-1', '{"question":"q"}', [assessment('correctness', { feedback: { value: 'yes' } })]);
 */
export function traceInfo(traceId: string, request: string, assessments: Assessment[], over: Partial<TraceInfoV3> = {}): TraceInfoV3 {
  return {
    trace_id: traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
    request_time: '2026-01-01T00:00:00.000Z',
    state: 'OK',
    request_preview: request,
    response_preview: '"an answer"',
    trace_metadata: {},
    tags: {},
    assessments,
    ...over,
  };
}
