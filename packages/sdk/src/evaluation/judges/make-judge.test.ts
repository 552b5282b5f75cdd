import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installFakeJudge, startFakeProvider, type FakeJudge, type FakeProvider } from '@loupe/fake-providers';
import type { ScorerFeedback, ScorerInput } from '../scorer-types.js';
import { judgeModel, makeJudge, templateVariables } from './index.js';
import { fakeModelOptions, span, trace } from './testing/judge-fixtures.js';
import type { TraceSpan } from '../../client/trace-model.js';

let fake: FakeProvider;
let judge: FakeJudge;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  judge = installFakeJudge(fake);
});

const openai = () => judgeModel('openai:/gpt-4o-mini', fakeModelOptions(`${fake.url}/v1`));
const one = (f: ScorerFeedback | ScorerFeedback[]) => (Array.isArray(f) ? f[0]! : f);
const row: ScorerInput = { inputs: { question: 'Is 7 prime?' }, outputs: 'Yes, 7 is prime.', expectations: { expected_response: 'yes' } };

/** A 10,000-span agent trace: a root, 9,998 steps with chunky payloads, one failing tool call near the end. */
function bigTrace() {
  const rootId = 'f'.repeat(16);
  const spans: TraceSpan[] = [span({ name: 'agent', spanId: rootId, spanType: 'AGENT', inputs: { task: 'reconcile invoices' }, outputs: 'done' })];
  for (let i = 1; i < 10_000; i++) {
    const failing = i === 9_321;
    spans.push(
      span({
        name: failing ? 'charge_card' : `step_${i}`,
        spanId: i.toString(16).padStart(16, '0'),
        parentId: rootId,
        spanType: failing ? 'TOOL' : 'LLM',
        status: failing ? 'ERROR' : 'OK',
        inputs: { invoice: i, note: 'lorem ipsum dolor sit amet '.repeat(8) },
        outputs: failing ? { error: 'card declined' } : { ok: true, text: 'consectetur adipiscing elit '.repeat(8) },
      }),
    );
  }
  return trace(spans);
}

describe('makeJudge: template variables', () => {
  it('accepts the five variables, refuses unknown ones and instructions without any', () => {
    expect(templateVariables('Compare {{ outputs }} with {{expectations}} for {{ inputs }}; {{ outputs }} again.')).toEqual([
      'outputs',
      'expectations',
      'inputs',
    ]);
    expect(() => makeJudge({ name: 'x', instructions: 'Judge {{ outputs }} against {{ context }} and {{ foo }}.' })).toThrow(
      /unknown template variables \{\{ context \}\}, \{\{ foo \}\}; use \{\{ inputs \}\}, \{\{ outputs \}\}/,
    );
    expect(() => makeJudge({ name: 'x', instructions: 'Is the answer good?' })).toThrow(/no template variable/);
    expect(() => makeJudge({ name: 'x', instructions: '{{ conversation }} {{ trace }}' })).toThrow(/cannot be used together/);
    expect(() => makeJudge({ name: 'bad name', instructions: '{{ outputs }}' })).toThrow(/name/);
    expect(makeJudge({ name: 'session_tone', instructions: 'Is {{ conversation }} friendly?' }).level).toBe('session');
  });

  it('sends the instructions and the variables, and maps feedbackValueType into the schema', async () => {
    const rating = makeJudge({
      name: 'helpfulness',
      instructions: 'Rate how helpful {{ outputs }} is for {{ inputs }}, knowing {{ expectations }}.',
      model: openai(),
      feedbackValueType: 'number',
      range: [1, 5],
    });
    const feedback = one(await rating.score(row));
    expect(feedback.name).toBe('helpfulness');
    expect(feedback.value).toEqual(expect.any(Number));
    expect(feedback.value as number).toBeGreaterThanOrEqual(1);
    const body = fake.requests[0]!.json as {
      messages: { content: string }[];
      response_format: { json_schema: { schema: { properties: { result: unknown } } } };
    };
    expect(body.response_format.json_schema.schema.properties.result).toEqual({ type: 'number', minimum: 1, maximum: 5 });
    expect(body.messages[0]!.content).toContain('Rate how helpful {{ outputs }} is for {{ inputs }}, knowing {{ expectations }}.');
    expect(body.messages[1]!.content).toContain('<outputs>\nYes, 7 is prime.\n</outputs>');
    expect(body.messages[1]!.content).toContain('<inputs>\n{\n  "question": "Is 7 prime?"\n}\n</inputs>');
    expect(body.messages[1]!.content).toContain('"expected_response": "yes"');

    await makeJudge({ name: 'b', instructions: 'Is {{ outputs }} true?', model: openai(), feedbackValueType: 'boolean' }).score(row);
    expect(judge.requests[1]!.resultSchema).toEqual({ type: 'boolean' });
    const label = one(
      await makeJudge({ name: 'c', instructions: 'Classify {{ outputs }}.', model: openai(), feedbackValueType: 'string', options: ['math', 'other'] }).score(
        row,
      ),
    );
    expect(judge.requests[2]!.resultSchema).toEqual({ type: 'string', enum: ['math', 'other'] });
    expect(['math', 'other']).toContain(label.value);
    await makeJudge({ name: 'd', instructions: 'Is {{ outputs }} right?', model: openai() }).score(row);
    expect(judge.requests[3]!.resultSchema).toEqual({ type: 'string', enum: ['yes', 'no'] });
  });

  it('names a missing variable value in an error feedback', async () => {
    const feedback = one(
      await makeJudge({ name: 'e', instructions: 'Does {{ outputs }} match {{ expectations }}?', model: openai() }).score({ ...row, expectations: {} }),
    );
    expect(feedback.error).toEqual({ code: 'JUDGE_MISSING_INPUT', message: expect.stringContaining('(missing: expectations)') });
    const noTrace = one(await makeJudge({ name: 'f', instructions: 'Was {{ trace }} efficient?', model: openai() }).score(row));
    expect(noTrace.error?.message).toMatch(/missing: trace/);
  });
});

describe('makeJudge with {{ trace }}: the trace agent', () => {
  const big = bigTrace();
  const wholeTraceBytes = JSON.stringify(big.spans, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).length;

  it('explores a 10,000-span trace with tools over OpenAI, never sending it whole', async () => {
    judge = installFakeJudge(fake, {
      agentQuery: 'card declined',
      verdict: (r) => ({ result: r.toolResults.join('\n').includes('card declined') ? 'no' : 'yes', rationale: 'charge_card failed' }),
    });
    const agent = makeJudge({ name: 'task_success', instructions: 'Did the agent in {{ trace }} complete its task for {{ inputs }}?', model: openai() });
    const feedback = one(await agent.score({ ...row, trace: big }));
    expect(feedback).toMatchObject({ name: 'task_success', value: 'no', rationale: 'charge_card failed' });

    expect(fake.requests).toHaveLength(4);
    const bodies = fake.requests.map((r) => r.json as { tools: { function: { name: string } }[]; messages: Record<string, unknown>[]; tool_choice: string });
    expect(bodies[0]!.tools.map((t) => t.function.name)).toEqual(['list_spans', 'get_span', 'search_trace']);
    expect(bodies[0]!.messages[1]!.content).toContain('10000 spans (use the tools)');
    const last = bodies[3]!.messages;
    const results = last.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content as string) as Record<string, unknown>);
    expect(results[0]).toMatchObject({ total_spans: 10_000, offset: 0, next_offset: 50 });
    expect((results[0]!.spans as unknown[]).length).toBe(50);
    expect(results[1]).toMatchObject({
      query: 'card declined',
      total_matches: 1,
      matches: [{ span_id: (9321).toString(16).padStart(16, '0'), name: 'charge_card', found_in: ['outputs'] }],
    });
    expect(results[2]).toMatchObject({ name: 'charge_card', status: 'ERROR', span_type: 'TOOL' });
    expect(last.filter((m) => m.role === 'assistant').flatMap((m) => (m.tool_calls as { function: { name: string } }[]).map((c) => c.function.name))).toEqual([
      'list_spans',
      'search_trace',
      'get_span',
    ]);

    const largest = Math.max(...fake.requests.map((r) => r.body.length));
    expect(wholeTraceBytes).toBeGreaterThan(5_000_000);
    expect(largest).toBeLessThan(40_000);
    expect(feedback.usage!.inputTokens).toBeGreaterThan(0);
    expect(feedback.usage!.costUsd).toBeGreaterThan(0);
  });

  it('speaks Anthropic tool use, the verdict as its own tool', async () => {
    judge = installFakeJudge(fake, { agentQuery: 'card declined' });
    const model = judgeModel('anthropic:/claude-sonnet-4-5', fakeModelOptions(fake.url));
    const feedback = one(await makeJudge({ name: 'ok', instructions: 'Judge {{ trace }}.', model }).score({ ...row, trace: big }));
    expect(['yes', 'no']).toContain(feedback.value);
    const bodies = fake.requests.map(
      (r) => r.json as { tools: { name: string }[]; tool_choice: unknown; messages: { role: string; content: { type: string }[] }[] },
    );
    expect(bodies[0]!.tools.map((t) => t.name)).toEqual(['list_spans', 'get_span', 'search_trace', 'record_verdict']);
    expect(bodies[0]!.tool_choice).toEqual({ type: 'any' });
    expect(bodies[3]!.messages.filter((m) => m.role === 'user').flatMap((m) => m.content.map((b) => b.type))).toEqual([
      'text',
      'tool_result',
      'tool_result',
      'tool_result',
    ]);
    expect(Math.max(...fake.requests.map((r) => r.body.length))).toBeLessThan(40_000);
  });

  it('stops exploring after maxIterations and asks for the verdict', async () => {
    judge = installFakeJudge(fake, { agentStep: () => ({ name: 'list_spans', arguments: { offset: 0, limit: 5 } }) });
    const feedback = one(
      await makeJudge({ name: 'capped', instructions: 'Judge {{ trace }}.', model: openai(), maxIterations: 3 }).score({ ...row, trace: big }),
    );
    // 3 tool rounds, then a request with tool_choice 'none' that the fake still answers with a tool call,
    // then one repair turn: an error feedback, not an endless loop.
    const choices = fake.requests.map((r) => (r.json as { tool_choice: string }).tool_choice);
    expect(choices).toEqual(['auto', 'auto', 'auto', 'none', 'none']);
    expect(feedback.error?.code).toBe('JUDGE_PARSE_ERROR');
  });

  it('gives models without tool calling a bounded trace summary', async () => {
    const model = judgeModel('gemini:/gemini-2.5-flash', fakeModelOptions(fake.url));
    const feedback = one(await makeJudge({ name: 'g', instructions: 'Judge {{ trace }}.', model }).score({ ...row, trace: big }));
    expect(['yes', 'no']).toContain(feedback.value);
    expect(judge.requests).toHaveLength(1);
    expect(judge.requests[0]!.prompt).toContain('... and 9800 more spans not shown');
    expect(fake.requests[0]!.body.length).toBeLessThan(40_000);
  });
});
