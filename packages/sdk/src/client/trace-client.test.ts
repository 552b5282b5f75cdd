import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loupe } from '../instance/loupe.js';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import { testLoupe } from '../testing/test-loupe.js';
import { traceRows } from './trace-model.js';

describe('trace reads, tags, deletion and assessments through the client', () => {
  let server: TestServer;
  let loupe: Loupe;
  let exp: string;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    exp = await server.experiment('trace-client');
    loupe = testLoupe(server.url, exp);
    const llm = loupe.trace(
      async (q: string) => {
        loupe.getCurrentActiveSpan()?.setTokenUsage({ input_tokens: 10, output_tokens: 5 });
        if (q === 'fail') throw new Error('model down');
        return `answer to ${q}`;
      },
      { name: 'llm', spanType: 'CHAT_MODEL' },
    );
    const agent = loupe.trace(
      async (q: string) => {
        loupe.updateCurrentTrace({ sessionId: 's-1', userId: 'ann', tags: { topic: q.split(' ')[0] as string } });
        return llm(q);
      },
      { name: 'agent', spanType: 'AGENT' },
    );
    for (const q of ['refund please', 'where is my order', 'fail']) {
      await agent(q).catch(() => {});
      ids.push(loupe.getLastActiveTraceId() as string);
    }
    await loupe.flushTraces();
  });
  afterAll(async () => {
    await loupe?.shutdown();
    await server?.close();
  });

  it('searchTraces returns typed traces with spans, newest first, and a flat rows view', async () => {
    const page = await loupe.client.searchTraces({ experimentIds: [exp] });
    expect(page.items.map((t) => t.info.trace_id).sort()).toEqual([...ids].sort());
    // Newest first (traces started in the same millisecond tie-break by id).
    const times = page.items.map((t) => Date.parse(t.info.request_time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const failed = page.items.find((t) => t.info.trace_id === ids[2]);
    expect(failed!.info.state).toBe('ERROR');
    const llm = failed!.spans.find((s) => s.name === 'llm')!;
    expect(llm).toMatchObject({
      spanType: 'CHAT_MODEL',
      status: 'ERROR',
      inputs: { q: 'fail' },
      attributes: { 'mlflow.chat.tokenUsage': { input_tokens: 10, output_tokens: 5, total_tokens: 15 } },
    });
    expect(typeof llm.startTimeNs).toBe('bigint');
    expect(llm.startTimeMs).toBe(Number(llm.startTimeNs / 1_000_000n));
    const rows = traceRows(page.items).filter((r) => r.traceId === ids[0]);
    expect(rows[0]).toMatchObject({
      traceId: ids[0],
      name: 'agent',
      state: 'OK',
      sessionId: 's-1',
      userId: 'ann',
      spanCount: 2,
      totalTokens: 15,
      request: '{"q":"refund please"}',
      response: '"answer to refund please"',
      tags: { topic: 'refund' },
    });
    expect(rows[0]!.durationMs).toBeGreaterThanOrEqual(0);

    const errors = await loupe.client.searchTraces({ experimentIds: [exp], filter: "trace.status = 'ERROR'" });
    expect(errors.items.map((t) => t.info.trace_id)).toEqual([ids[2]]);
    const bySpan = await loupe.client.searchTraces({ experimentIds: [exp], filter: "span.type = 'CHAT_MODEL' AND tag.topic = 'where'", includeSpans: false });
    expect(bySpan.items.map((t) => [t.info.trace_id, t.spans.length])).toEqual([[ids[1], 0]]);
    const all = await loupe.client.searchTraces({ experimentIds: [exp], orderBy: ['timestamp_ms ASC'], includeSpans: false });
    const first = await loupe.client.searchTraces({ experimentIds: [exp], maxResults: 2, orderBy: ['timestamp_ms ASC'] });
    const second = await loupe.client.searchTraces({ experimentIds: [exp], maxResults: 2, orderBy: ['timestamp_ms ASC'], pageToken: first.nextPageToken! });
    expect([...first.items, ...second.items].map((t) => t.info.trace_id)).toEqual(all.items.map((t) => t.info.trace_id));
    expect(first.items).toHaveLength(2);
    expect(second.nextPageToken).toBeUndefined();
  });

  it('getTrace, trace tags, deleteTraces', async () => {
    const t = await loupe.client.getTrace(ids[0] as string);
    expect(t?.spans.map((s) => s.name)).toEqual(['agent', 'llm']);
    expect(t?.spans[1]?.parentId).toBe(t?.spans[0]?.spanId);
    expect(await loupe.client.getTrace('tr-00000000000000000000000000000000')).toBeUndefined();
    await loupe.client.setTraceTag(ids[0] as string, 'reviewed', 'yes');
    expect((await loupe.client.getTraceInfo(ids[0] as string)).tags.reviewed).toBe('yes');
    await loupe.client.deleteTraceTag(ids[0] as string, 'reviewed');
    expect((await loupe.client.getTraceInfo(ids[0] as string)).tags.reviewed).toBeUndefined();
    expect(await loupe.client.deleteTraces({ experimentId: exp, traceIds: [ids[2] as string] })).toBe(1);
    expect(await loupe.client.getTrace(ids[2] as string)).toBeUndefined();
  });

  it('logFeedback / logExpectation, get, update, override, delete; rows show current values', async () => {
    const traceId = ids[1] as string;
    const judged = await loupe.client.logFeedback({
      traceId,
      name: 'correct',
      value: false,
      source: { sourceType: 'LLM_JUDGE', sourceId: 'openai:/gpt-4o-mini' },
      rationale: 'wrong order id',
    });
    expect(judged).toMatchObject({ assessment_name: 'correct', feedback: { value: false }, valid: true, source: { source_type: 'LLM_JUDGE' } });
    const expected = await loupe.client.logExpectation({ traceId, name: 'expected_answer', value: { order: 42 }, metadata: { by: 'qa' } });
    expect(await loupe.client.getAssessment(traceId, expected.assessment_id)).toMatchObject({ expectation: { value: { order: 42 } }, metadata: { by: 'qa' } });
    const human = await loupe.client.logFeedback({ traceId, name: 'correct', value: true, overrides: judged.assessment_id });
    expect((await loupe.client.getAssessment(traceId, judged.assessment_id)).valid).toBe(false);
    const updated = await loupe.client.updateAssessment(traceId, human.assessment_id, { value: 'mostly', rationale: 'close enough' });
    expect(updated).toMatchObject({ feedback: { value: 'mostly' }, rationale: 'close enough' });
    const updatedExpectation = await loupe.client.updateAssessment(traceId, expected.assessment_id, { value: { order: 43 } });
    expect(updatedExpectation.expectation).toEqual({ value: { order: 43 } });
    const found = await loupe.client.searchTraces({ experimentIds: [exp], filter: "feedback.correct = 'mostly'" });
    expect(traceRows(found.items)).toEqual([expect.objectContaining({ traceId, assessments: { correct: 'mostly', expected_answer: { order: 43 } } })]);
    await loupe.client.deleteAssessment(traceId, human.assessment_id);
    await expect(loupe.client.getAssessment(traceId, human.assessment_id)).rejects.toMatchObject({ status: 404 });
    expect((await loupe.client.getAssessment(traceId, judged.assessment_id)).valid).toBe(true);
  });
});
