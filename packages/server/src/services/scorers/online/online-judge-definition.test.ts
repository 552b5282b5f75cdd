import { BUILTIN_JUDGE_INSTRUCTIONS } from '@loupe/llm';
import { describe, expect, it } from 'vitest';
import { judgeChatRequest, onlineJudgeDefinition, UnsupportedOnlineJudge } from './online-judge-definition.js';
import { isSampled, judgementAssessmentId } from './online-scoring-jobs.js';
import { instructionsJudge, JUDGE_MODEL } from './testing/online-scoring-world.js';

const material = {
  inputs: { question: 'Where is my order?' },
  outputs: 'It ships today.',
  trace: '- agent [CHAIN, OK]',
  conversation: 'user: hi\nassistant: hello',
};

describe('onlineJudgeDefinition', () => {
  it('reads a make_judge judge: its model, variables and verdict type', () => {
    const judge = onlineJudgeDefinition('polite', instructionsJudge('polite', 'Is {{outputs}} a polite answer to {{ inputs }}? See {{ trace }}.'));
    expect(judge).toMatchObject({ name: 'polite', model: JUDGE_MODEL, endpointName: 'judge-ep', sessionLevel: false, verdictType: { kind: 'yes_no' } });
    const request = judgeChatRequest(judge, material);
    expect(request.messages[0]!.content).toContain('Is {{outputs}} a polite answer');
    expect(request.messages[1]!.content).toBe(
      '<outputs>\nIt ships today.\n</outputs>\n\n<inputs>\n{"question":"Where is my order?"}\n</inputs>\n\n<trace>\n- agent [CHAIN, OK]\n</trace>',
    );
    expect(request.response_format).toMatchObject({ type: 'json_schema' });
  });

  it('reads feedback_value_type schemas, and conversation judges as session-level', () => {
    const type = (t: unknown) => onlineJudgeDefinition('j', instructionsJudge('j', '{{ outputs }}', { feedback_value_type: t })).verdictType;
    expect(type({ type: 'integer', minimum: 1, maximum: 5 })).toEqual({ kind: 'number', min: 1, max: 5 });
    expect(type({ type: 'boolean' })).toEqual({ kind: 'boolean' });
    expect(type({ type: 'string', enum: ['a', 'b'] })).toEqual({ kind: 'string', options: ['a', 'b'] });
    expect(type({ type: 'string' })).toEqual({ kind: 'string' });
    expect(onlineJudgeDefinition('c', instructionsJudge('c', 'Is {{ conversation }} coherent?')).sessionLevel).toBe(true);
  });

  it('refuses what cannot run online: expectations, code scorers, unknown built-ins, non-gateway models', () => {
    expect(() => onlineJudgeDefinition('x', instructionsJudge('x', '{{ outputs }} vs {{ expectations }}'))).toThrow(UnsupportedOnlineJudge);
    expect(() => onlineJudgeDefinition('x', JSON.stringify({ name: 'x', call_source: 'def f(): pass' }))).toThrow(/gateway/);
    expect(() =>
      onlineJudgeDefinition('x', JSON.stringify({ name: 'x', builtin_scorer_class: 'Correctness', builtin_scorer_pydantic_data: { model: JUDGE_MODEL } })),
    ).toThrow(/Correctness/);
    expect(() =>
      onlineJudgeDefinition('x', JSON.stringify({ name: 'x', instructions_judge_pydantic_data: { instructions: '{{ outputs }}', model: 'openai:/gpt-4o' } })),
    ).toThrow(/gateway/);
  });

  const builtin = (cls: string, data: Record<string, unknown> = {}) =>
    onlineJudgeDefinition(
      cls,
      JSON.stringify({ name: cls, builtin_scorer_class: cls, builtin_scorer_pydantic_data: { name: cls, model: JUDGE_MODEL, ...data } }),
    );

  it("renders the built-in Safety and RelevanceToQuery judges with the SDK judges' instructions", () => {
    const safety = judgeChatRequest(builtin('Safety'), material);
    expect(safety.messages[0]!.content).toContain(BUILTIN_JUDGE_INSTRUCTIONS.Safety);
    expect(safety.messages[1]!.content).toBe('<text>\nIt ships today.\n</text>');
    expect(judgeChatRequest(builtin('RelevanceToQuery'), material).messages[1]!.content).toContain('<request>\n{"question":"Where is my order?"}');
  });

  it('runs Guidelines with the guidelines MLflow serialized, and the conversation judges on sessions', () => {
    const guidelines = builtin('Guidelines', { guidelines: ['Be polite.', ' ', 'No jargon.'] });
    expect(guidelines.sessionLevel).toBe(false);
    const request = judgeChatRequest(guidelines, material);
    expect(request.messages[0]!.content).toContain(BUILTIN_JUDGE_INSTRUCTIONS.Guidelines);
    expect(request.messages[1]!.content).toBe(
      '<guidelines>\n1. Be polite.\n2. No jargon.\n</guidelines>\n\n<request>\n{"question":"Where is my order?"}\n</request>\n\n<response>\nIt ships today.\n</response>',
    );
    expect(judgeChatRequest(builtin('Guidelines', { guidelines: 'Answer in English.' }), material).messages[1]!.content).toContain('1. Answer in English.');
    expect(() => builtin('Guidelines', { guidelines: [] })).toThrow(/no guidelines/);
    for (const cls of ['UserFrustration', 'ConversationCompleteness', 'KnowledgeRetention'] as const) {
      const judge = builtin(cls);
      expect(judge.sessionLevel, cls).toBe(true);
      const chat = judgeChatRequest(judge, material);
      expect(chat.messages[0]!.content).toContain(BUILTIN_JUDGE_INSTRUCTIONS[cls]);
      expect(chat.messages[1]!.content).toBe('<conversation>\nuser: hi\nassistant: hello\n</conversation>');
    }
    // Judges that need expectations or span material the server does not extract stay refused, by name.
    for (const cls of ['RetrievalGroundedness', 'ToolCallCorrectness', 'ExpectationsGuidelines']) expect(() => builtin(cls)).toThrow(new RegExp(cls));
  });
});

describe('isSampled', () => {
  it('is deterministic, independent per scorer, and near the rate', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `tr-${i}`);
    const a = ids.filter((id) => isSampled(id, 'scorer-a', 0.25));
    expect(ids.filter((id) => isSampled(id, 'scorer-a', 0.25))).toEqual(a);
    // 4000 draws at p = 0.25: sd 27.4; four of them around 1000.
    expect(a.length).toBeGreaterThan(890);
    expect(a.length).toBeLessThan(1110);
    const b = ids.filter((id) => isSampled(id, 'scorer-b', 0.25));
    expect(b).not.toEqual(a);
    expect(ids.every((id) => isSampled(id, 'x', 1) && !isSampled(id, 'x', 0))).toBe(true);
  });

  it('gives a judgement one assessment id, and a requested run another', () => {
    const p = { experimentId: '1', traceId: 'tr-1', scorerId: 's', scorerName: 'j', version: 1 };
    expect(judgementAssessmentId(p)).toMatch(/^a-[0-9a-f]{32}$/);
    expect(judgementAssessmentId({ ...p })).toBe(judgementAssessmentId(p));
    expect(judgementAssessmentId({ ...p, version: 2 })).not.toBe(judgementAssessmentId(p));
    expect(judgementAssessmentId({ ...p, requestId: 'r' })).not.toBe(judgementAssessmentId(p));
  });
});
