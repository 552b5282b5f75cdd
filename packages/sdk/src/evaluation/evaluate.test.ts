import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assessment } from '@loupe/protocol';
import { startTestServer, type TestServer } from '@loupe/server/testing';
import type { Loupe } from '../instance/loupe.js';
import { testLoupePool } from '../testing/test-loupe.js';
import { scorer } from './code-scorer.js';
import { EvaluationInputError } from './evaluation-data.js';
import type { ConversationTurn, Scorer } from './scorer-types.js';

// evaluate() against a real Loupe server: runs, traces, assessments and metrics are read back over the
// REST API, as MLflow's UI and clients would read them.
describe('evaluate()', () => {
  let server: TestServer;
  const pool = testLoupePool();
  const quiet = { progress: false, summary: false } as const;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await pool.shutdownAll();
    await server?.close();
  });

  const fresh = async (name: string): Promise<{ loupe: Loupe; exp: string }> => {
    const exp = await server.experiment(name);
    return { loupe: pool.make(server.url, exp), exp };
  };
  const assessments = async (loupe: Loupe, traceId: string): Promise<Assessment[]> => (await loupe.client.getTraceInfo(traceId)).assessments ?? [];
  const runTraces = async (loupe: Loupe, exp: string, runId: string) =>
    (await loupe.client.searchTraces({ experimentIds: [exp], filter: `run_id = '${runId}'`, includeSpans: false })).items.map((t) => t.info.trace_id).sort();

  const exactMatch = scorer(({ outputs, expectations }) => outputs === expectations.expected_response, { name: 'exact_match' });
  const length = scorer(function answer_length({ outputs }) {
    return String(outputs).length;
  });

  it('scores static rows: a one-span trace per row, feedback and expectations on it, metrics on a genai_evaluate run', async () => {
    const { loupe, exp } = await fresh('eval-static');
    const result = await loupe.evaluate({
      ...quiet,
      runName: 'static',
      data: [
        { inputs: { question: 'What is MLflow?' }, outputs: 'A platform', expectations: { expected_response: 'A platform' }, tags: { suite: 'smoke' } },
        { inputs: { question: 'What is Spark?' }, outputs: 'No idea', expectations: { expected_response: 'A data engine' } },
      ],
      scorers: [exactMatch, length],
    });
    expect(result.metrics).toEqual({ 'exact_match/mean': 0.5, 'answer_length/mean': 8.5 });
    expect(result.rows.map((r) => r.feedback)).toEqual([
      { exact_match: { value: true }, answer_length: { value: 10 } },
      { exact_match: { value: false }, answer_length: { value: 7 } },
    ]);

    const run = await loupe.client.getRun(result.runId);
    expect(run.info).toMatchObject({ status: 'FINISHED', experiment_id: exp, run_name: 'static' });
    expect(run.data.tags).toContainEqual({ key: 'mlflow.runType', value: 'genai_evaluate' });
    expect(Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value]))).toEqual(result.metrics);

    const traceId = result.rows[0]!.traceId!;
    expect(await runTraces(loupe, exp, result.runId)).toEqual(result.rows.map((r) => r.traceId).sort());
    const trace = (await loupe.client.getTrace(traceId))!;
    expect(trace.spans).toHaveLength(1);
    expect(trace.spans[0]).toMatchObject({ name: 'root_span', spanType: 'CHAIN', inputs: { question: 'What is MLflow?' }, outputs: 'A platform' });
    expect(trace.info.trace_metadata?.['mlflow.sourceRun']).toBe(result.runId);
    expect(trace.info.tags).toMatchObject({ suite: 'smoke', 'mlflow.eval.requestId': expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const byName = Object.fromEntries((await assessments(loupe, traceId)).map((a) => [a.assessment_name, a]));
    expect(byName.exact_match).toMatchObject({
      source: { source_type: 'CODE', source_id: 'exact_match' },
      span_id: trace.spans[0]!.spanId,
      feedback: { value: true },
      metadata: { 'mlflow.assessment.sourceRunId': result.runId },
    });
    expect(byName.expected_response).toMatchObject({
      source: { source_type: 'HUMAN' },
      expectation: { value: 'A platform' },
      metadata: { 'mlflow.assessment.sourceRunId': result.runId },
    });
  });

  it('calls predict inside a trace of the run, with the app spans under it, and scores what it returned', async () => {
    const { loupe, exp } = await fresh('eval-predict');
    const retrieve = loupe.trace((q: string) => [`doc about ${q}`], { name: 'retrieve', spanType: 'RETRIEVER' });
    const seen: unknown[] = [];
    const usesDocs = scorer(
      ({ trace, outputs }) => {
        seen.push(outputs);
        return trace?.spans.some((s) => s.spanType === 'RETRIEVER') ?? false;
      },
      { name: 'used_retriever' },
    );
    const result = await loupe.evaluate({
      ...quiet,
      data: [{ inputs: { question: 'refunds' } }, { inputs: { question: 'shipping' } }],
      predict: async function answer({ question }) {
        const docs = retrieve(String(question));
        return `answer from ${docs.length} doc`;
      },
      scorers: [usesDocs],
    });
    expect(result.rows.map((r) => [r.outputs, r.feedback.used_retriever?.value])).toEqual([
      ['answer from 1 doc', true],
      ['answer from 1 doc', true],
    ]);
    expect(seen).toEqual(['answer from 1 doc', 'answer from 1 doc']);
    const trace = (await loupe.client.getTrace(result.rows[1]!.traceId!))!;
    expect(trace.spans.map((s) => [s.name, s.parentId === null])).toEqual([
      ['answer', true],
      ['retrieve', false],
    ]);
    expect(trace.spans[0]).toMatchObject({ inputs: { question: 'shipping' }, outputs: 'answer from 1 doc' });
    expect(trace.info.trace_metadata?.['mlflow.sourceRun']).toBe(result.runId);
    expect(trace.info.tags?.['mlflow.eval.requestId']).toBeTruthy();
    expect(await runTraces(loupe, exp, result.runId)).toEqual(result.rows.map((r) => r.traceId).sort());
  });

  it('scores stored traces without running the app again, links them to the run and uses their expectations', async () => {
    const { loupe, exp } = await fresh('eval-stored');
    const app = loupe.trace((question: string) => `echo ${question}`, { name: 'app' });
    app('one');
    app('two');
    await loupe.flushTraces();
    const stored = (await loupe.client.searchTraces({ experimentIds: [exp] })).items;
    const two = stored.find((t) => (t.spans[0]?.inputs as { question?: string }).question === 'two')!;
    await loupe.client.logExpectation({ traceId: two.info.trace_id, name: 'expected_response', value: 'echo two' });
    const traces = (await loupe.client.searchTraces({ experimentIds: [exp] })).items;
    let calls = 0;
    const result = await loupe.evaluate({
      ...quiet,
      data: traces,
      predict: () => calls++,
      scorers: [scorer(({ inputs, outputs }) => outputs === `echo ${String(inputs.question)}`, { name: 'echoes' }), exactMatch],
    });
    expect(calls).toBe(0);
    expect(result.rows.map((r) => r.traceId)).toEqual(traces.map((t) => t.info.trace_id));
    expect(result.rows.map((r) => r.feedback.echoes?.value)).toEqual([true, true]);
    const twoRow = result.rows.find((r) => r.traceId === two.info.trace_id)!;
    expect(twoRow).toMatchObject({ inputs: { question: 'two' }, expectations: { expected_response: 'echo two' }, feedback: { exact_match: { value: true } } });
    // No new traces: the stored ones are linked to the run instead.
    expect((await loupe.client.searchTraces({ experimentIds: [exp], includeSpans: false })).items).toHaveLength(2);
    expect(await runTraces(loupe, exp, result.runId)).toEqual(traces.map((t) => t.info.trace_id).sort());
    const onFirst = await assessments(loupe, two.info.trace_id);
    expect(onFirst.filter((a) => a.assessment_name === 'expected_response')).toHaveLength(1);
    expect(onFirst.find((a) => a.assessment_name === 'echoes')?.metadata).toMatchObject({ 'mlflow.assessment.sourceRunId': result.runId });
  });

  it('records a throwing scorer as a SCORER_ERROR feedback and a throwing predict as an ERROR trace; the others still score', async () => {
    const { loupe } = await fresh('eval-errors');
    const broken = scorer(
      () => {
        throw new Error('judge offline');
      },
      { name: 'broken' },
    );
    const sawOutputs = scorer(({ outputs }) => outputs !== undefined, { name: 'has_outputs' });
    const result = await loupe.evaluate({
      ...quiet,
      data: [{ inputs: { n: 1 } }, { inputs: { n: 2 } }],
      predict: ({ n }) => {
        if (n === 2) throw new Error('app crashed');
        return 'ok';
      },
      scorers: [broken, sawOutputs],
    });
    expect(result.rows[0]).toMatchObject({ feedback: { broken: { error: { code: 'SCORER_ERROR', message: 'judge offline' } }, has_outputs: { value: true } } });
    expect(result.rows[0]!.error).toBeUndefined();
    expect(result.rows[1]).toMatchObject({ error: expect.stringContaining('app crashed'), feedback: { has_outputs: { value: false } } });
    expect(result.metrics).toEqual({ 'has_outputs/mean': 0.5 });
    const failed = (await loupe.client.getTrace(result.rows[1]!.traceId!))!;
    expect(failed.info.state).toBe('ERROR');
    const error = (await assessments(loupe, result.rows[0]!.traceId!)).find((a) => a.assessment_name === 'broken');
    expect(error?.feedback?.error).toMatchObject({
      error_code: 'SCORER_ERROR',
      error_message: 'judge offline',
      stack_trace: expect.stringContaining('judge offline'),
    });
    expect((await loupe.client.getRun(result.runId)).info.status).toBe('FINISHED');
  });

  it('runs session-level scorers once per session on the ordered conversation, feedback on the first trace of the session', async () => {
    const { loupe } = await fresh('eval-sessions');
    const conversations: ConversationTurn[][] = [];
    const turns = scorer(
      ({ conversation }) => {
        conversations.push(conversation ?? []);
        return conversation?.length ?? 0;
      },
      { name: 'turns', level: 'session' },
    );
    const result = await loupe.evaluate({
      ...quiet,
      concurrency: 2,
      data: [
        { inputs: { q: 'hi' }, outputs: 'hello', sessionId: 'chat-1' },
        { inputs: { q: 'order?' }, outputs: 'shipped', sessionId: 'chat-2' },
        { inputs: { q: 'refund?' }, outputs: 'yes', sessionId: 'chat-1' },
        { inputs: { q: 'alone' }, outputs: 'no session' },
      ],
      scorers: [turns, length],
    });
    expect(conversations).toHaveLength(2);
    const chat1 = conversations.find((c) => c.length === 2)!;
    expect(chat1.map((t) => [t.inputs, t.outputs])).toEqual([
      [{ q: 'hi' }, 'hello'],
      [{ q: 'refund?' }, 'yes'],
    ]);
    expect(chat1.map((t) => t.traceId)).toEqual([result.rows[0]!.traceId, result.rows[2]!.traceId]);
    expect(result.rows.map((r) => r.feedback.turns?.value)).toEqual([2, 1, undefined, undefined]);
    expect(result.metrics['turns/mean']).toBe(1.5);
    const onFirst = (await assessments(loupe, result.rows[0]!.traceId!)).find((a) => a.assessment_name === 'turns');
    expect(onFirst).toMatchObject({ feedback: { value: 2 }, metadata: { 'mlflow.trace.session': 'chat-1', 'mlflow.assessment.sourceRunId': result.runId } });
    expect((await assessments(loupe, result.rows[2]!.traceId!)).some((a) => a.assessment_name === 'turns')).toBe(false);
    const trace = (await loupe.client.getTrace(result.rows[2]!.traceId!))!;
    expect(trace.info.trace_metadata?.['mlflow.trace.session']).toBe('chat-1');
  });

  it('aggregates booleans, yes/no and numbers as <name>/mean; scorers may return several named feedbacks with rationale', async () => {
    const { loupe } = await fresh('eval-aggregates');
    const judge: Scorer = {
      name: 'relevance',
      sourceType: 'LLM_JUDGE',
      level: 'trace',
      score: async ({ outputs }) => ({
        value: outputs === 'good' ? 'yes' : 'no',
        rationale: 'looked at it',
        usage: { model: 'gpt-4o-mini', inputTokens: 12, outputTokens: 3, costUsd: 0.0001 },
      }),
    };
    const multi = scorer(
      ({ outputs }) => [
        { name: 'words', value: String(outputs).split(' ').length },
        { name: 'polite', value: String(outputs).includes('please'), rationale: 'said please' },
      ],
      { name: 'style' },
    );
    const result = await loupe.evaluate({
      ...quiet,
      data: [
        { inputs: { i: 1 }, outputs: 'good' },
        { inputs: { i: 2 }, outputs: 'bad please' },
        { inputs: { i: 3 }, outputs: 'good' },
      ],
      scorers: [judge, multi],
    });
    expect(result.metrics).toEqual({ 'relevance/mean': 2 / 3, 'words/mean': 4 / 3, 'polite/mean': 1 / 3 });
    expect(result.rows[1]!.feedback).toEqual({
      relevance: { value: 'no', rationale: 'looked at it' },
      words: { value: 2 },
      polite: { value: true, rationale: 'said please' },
    });
    const run = await loupe.client.getRun(result.runId);
    expect(Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value]))).toEqual(result.metrics);
    const rel = (await assessments(loupe, result.rows[0]!.traceId!)).find((a) => a.assessment_name === 'relevance');
    expect(rel).toMatchObject({
      source: { source_type: 'LLM_JUDGE', source_id: 'relevance' },
      rationale: 'looked at it',
      metadata: { 'mlflow.assessment.judgeInputTokens': '12', 'mlflow.assessment.judgeOutputTokens': '3', 'mlflow.assessment.judgeCost': '0.0001' },
    });
  });

  it('keeps at most `concurrency` rows in flight', async () => {
    const { loupe } = await fresh('eval-concurrency');
    let inFlight = 0;
    let max = 0;
    let open!: () => void;
    const full = new Promise<void>((resolve) => (open = resolve));
    const result = await loupe.evaluate({
      ...quiet,
      concurrency: 3,
      data: Array.from({ length: 10 }, (_, i) => ({ inputs: { i } })),
      predict: async ({ i }) => {
        inFlight++;
        max = Math.max(max, inFlight);
        // The first rows wait until three are in flight together: the bound is reached, never passed.
        if (inFlight === 3) open();
        await full;
        inFlight--;
        return i;
      },
      scorers: [scorer(({ outputs, inputs }) => outputs === inputs.i, { name: 'same' })],
    });
    expect(max).toBe(3);
    expect(result.metrics['same/mean']).toBe(1);
    expect(result.rows.map((r) => r.outputs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stops on abort: no new rows, the run ends FAILED, evaluate() rejects', async () => {
    const { loupe, exp } = await fresh('eval-abort');
    const controller = new AbortController();
    let calls = 0;
    const evaluation = loupe.evaluate({
      ...quiet,
      concurrency: 1,
      signal: controller.signal,
      data: Array.from({ length: 6 }, (_, i) => ({ inputs: { i } })),
      predict: ({ i }) => {
        calls++;
        if (i === 2) controller.abort(new Error('stop now'));
        return i;
      },
      scorers: [length],
    });
    await expect(evaluation).rejects.toThrow('stop now');
    expect(calls).toBe(3);
    const runs = await loupe.client.searchRuns({ experimentIds: [exp] });
    expect(runs.items.map((r) => r.info.status)).toEqual(['FAILED']);
  });

  it('refuses bad input before starting a run', async () => {
    const { loupe, exp } = await fresh('eval-bad-input');
    const bad = (options: Partial<Parameters<Loupe['evaluate']>[0]>) => loupe.evaluate({ ...quiet, scorers: [length], ...options });
    await expect(bad({ data: [] })).rejects.toThrow(new EvaluationInputError('The data is empty: give evaluate() at least one row'));
    await expect(bad({ data: [{ outputs: 'x' }] })).rejects.toThrow('data[0] has no inputs');
    await expect(bad({ data: [{ inputs: 'question' as never }] })).rejects.toThrow('data[0].inputs must be a dict');
    await expect(bad({})).rejects.toThrow('Give evaluate() data (rows or traces) or a dataset');
    await expect(bad({ data: [{ inputs: {} }], scorers: [] })).rejects.toThrow('at least one scorer');
    await expect(bad({ data: [{ inputs: {} }], scorers: [length, length] })).rejects.toThrow("Two scorers are named 'answer_length'");
    await expect(bad({ data: [{ inputs: {} }], concurrency: 0 })).rejects.toThrow('concurrency must be a positive integer');
    await expect(bad({ dataset: 'no-such-dataset' })).rejects.toThrow("Unknown dataset 'no-such-dataset'");
    await expect(bad({ data: [{ inputs: {} }], runId: 'f'.repeat(32) })).rejects.toThrow('Unknown run');
    expect(() => scorer(() => 1, { name: 'has.dot' })).toThrow("Invalid scorer name 'has.dot'");
    expect(() => scorer(() => 1)).toThrow('A scorer needs a name');
    expect((await loupe.client.searchRuns({ experimentIds: [exp] })).items).toEqual([]);
  });

  it('still scores with tracing disabled, saying on each row that there is no trace to store the verdicts on', async () => {
    const { loupe } = await fresh('eval-no-tracing');
    loupe.setTracingEnabled(false);
    const result = await loupe.evaluate({ ...quiet, data: [{ inputs: { q: 1 }, outputs: 'abc' }], predict: () => 'four', scorers: [length] });
    expect(result.rows).toEqual([
      {
        traceId: undefined,
        inputs: { q: 1 },
        outputs: 'four',
        expectations: {},
        feedback: { answer_length: { value: 4 } },
        error: expect.stringContaining('tracing is disabled'),
      },
    ]);
    expect((await loupe.client.getRun(result.runId)).data.metrics?.map((m) => [m.key, m.value])).toEqual([['answer_length/mean', 4]]);
  });

  it('evaluates into a given run and leaves it running', async () => {
    const { loupe, exp } = await fresh('eval-given-run');
    const run = await loupe.client.startRun({ experimentId: exp, runName: 'mine' });
    const result = await loupe.evaluate({ ...quiet, runId: run.info.run_id, data: [{ inputs: { q: 1 }, outputs: 'a' }], scorers: [length] });
    expect(result.runId).toBe(run.info.run_id);
    const after = await loupe.client.getRun(run.info.run_id);
    expect(after.info.status).toBe('RUNNING');
    expect(after.data.tags).toContainEqual({ key: 'mlflow.runType', value: 'genai_evaluate' });
  });

  it('prints progress (a line per 10% off a terminal, a redrawn bar on one) and a summary table', async () => {
    const { loupe } = await fresh('eval-report');
    const plain: string[] = [];
    const tty: string[] = [];
    const summary: string[] = [];
    const data = Array.from({ length: 20 }, (_, i) => ({ inputs: { i }, outputs: i % 2 === 0 ? 'yes' : 'no' }));
    const verdict = scorer(({ outputs }) => outputs as string, { name: 'verdict' });
    await loupe.evaluate({ data, scorers: [verdict], progress: { write: (t: string) => plain.push(t) }, summary: { write: (t: string) => summary.push(t) } });
    expect(plain).toHaveLength(10);
    expect(plain[0]).toBe('Evaluating: 2/20 rows (10%)\n');
    expect(plain.at(-1)).toBe('Evaluating: 20/20 rows (100%)\n');
    const [title, ...table] = summary.join('').split('\n');
    expect(title).toMatch(/^Evaluation run [0-9a-f]{32}: 20 rows$/);
    expect(table).toEqual(['scorer    mean  values  errors', 'verdict  0.500      20       0', '']);
    await loupe.evaluate({ data: data.slice(0, 3), scorers: [verdict], progress: { isTTY: true, write: (t: string) => tty.push(t) }, summary: false });
    expect(tty.slice(0, -1).every((t) => t.startsWith('\rEvaluating ['))).toBe(true);
    expect(tty.at(-2)).toMatch(/^\rEvaluating \[#{24}\] 3\/3 100% \d+s$/);
    expect(tty.at(-1)).toBe('\n');
  });
});
