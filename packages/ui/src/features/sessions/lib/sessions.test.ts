import type { TraceInfoV3 } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { conversation, groupSessions, sessionFilter } from './sessions';

const trace = (id: string, session: string | undefined, minute: number, extra: Partial<TraceInfoV3> = {}): TraceInfoV3 => ({
  trace_id: id,
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
  request_time: new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString(),
  execution_duration: '1.5s',
  state: 'OK',
  request_preview: JSON.stringify({ messages: [{ role: 'user', content: `question ${id}` }] }),
  response_preview: JSON.stringify({ answer: `answer ${id}` }),
  trace_metadata: {
    ...(session ? { 'mlflow.trace.session': session } : {}),
    'mlflow.trace.user': 'ann',
    'mlflow.trace.tokenUsage': '{"total_tokens":10}',
    'mlflow.trace.cost': '{"total_cost":0.5}',
  },
  tags: {},
  ...extra,
});

describe('sessions', () => {
  const traces = [trace('a', 's1', 5), trace('b', 's2', 1), trace('c', 's1', 2, { state: 'ERROR' }), trace('d', undefined, 9)];
  it('groups traces by session, most recent first', () => {
    expect(groupSessions(traces)).toEqual([
      {
        id: 's1',
        traceCount: 2,
        firstMs: Date.UTC(2025, 0, 1, 0, 2),
        lastMs: Date.UTC(2025, 0, 1, 0, 5),
        users: ['ann'],
        totalTokens: 20,
        costUsd: 1,
        errors: 1,
        firstRequest: 'question c',
      },
      {
        id: 's2',
        traceCount: 1,
        firstMs: Date.UTC(2025, 0, 1, 0, 1),
        lastMs: Date.UTC(2025, 0, 1, 0, 1),
        users: ['ann'],
        totalTokens: 10,
        costUsd: 0.5,
        errors: 0,
        firstRequest: 'question b',
      },
    ]);
  });
  it('sums tokens and cost over the traces that report them, and leaves them unknown when none does (not 0)', () => {
    const bare = (id: string, session: string, usage: Record<string, string>) =>
      trace(id, session, 1, { trace_metadata: { 'mlflow.trace.session': session, ...usage } });
    const [priced, unpriced] = groupSessions([
      bare('p1', 'priced', { 'mlflow.trace.cost': '{"total_cost":0}', 'mlflow.trace.tokenUsage': '{"input_tokens":12}' }),
      bare('p2', 'priced', {}),
      bare('u1', 'unpriced', {}),
    ]).sort((a, b) => a.id.localeCompare(b.id));
    expect(priced).toMatchObject({ costUsd: 0, totalTokens: 12 });
    expect(unpriced).not.toHaveProperty('costUsd');
    expect(unpriced).not.toHaveProperty('totalTokens');
  });
  it('reads a session as a conversation, oldest turn first', () => {
    expect(conversation([traces[0]!, traces[2]!]).map((t) => [t.traceId, t.request, t.response, t.state, t.latencyMs])).toEqual([
      ['c', 'question c', 'answer c', 'ERROR', 1500],
      ['a', 'question a', 'answer a', 'OK', 1500],
    ]);
    expect(sessionFilter("it's")).toBe("metadata.`mlflow.trace.session` = 'it\\'s'");
  });
});
