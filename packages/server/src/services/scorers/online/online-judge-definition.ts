import {
  BUILTIN_JUDGE_INSTRUCTIONS,
  guidelinesSection,
  judgeGuidelines,
  judgeSection,
  verdictInstructions,
  verdictSchema,
  type ChatRequest,
  type VerdictType,
} from '@loupe/llm';
import { scorerTraits } from '../serialized-scorer.js';

/**
 * What an online judge reads and asks (spec §11.1): the judges MLflow can run on the server, read
 * from the serialized scorer the Python client registered: `make_judge` judges
 * (`instructions_judge_pydantic_data`) and the built-ins that read only a trace or its session
 * (`builtin_scorer_class`: Safety, RelevanceToQuery, Guidelines, UserFrustration,
 * ConversationCompleteness, KnowledgeRetention). The built-ins' instructions are the SDK's judges'
 * (`BUILTIN_JUDGE_INSTRUCTIONS` in @loupe/llm), so offline and online verdicts agree.
 */

/** What a judge is shown of a trace (or, for a session judge, of its session). */
export interface JudgeMaterial {
  /** The root span's inputs. */
  inputs: unknown;
  /** The root span's outputs. */
  outputs: unknown;
  /** A compact rendering of the spans (`{{ trace }}`). */
  trace: string;
  /** The session's turns, oldest first (`{{ conversation }}`, session judges). */
  conversation?: string;
}

/** A judge the online scorer can run. */
export interface OnlineJudgeDefinition {
  /** The assessment name (the scorer's registered name). */
  name: string;
  /** The judge's model URI (`gateway:/<endpoint>`), the assessment's source id. */
  model: string;
  endpointName: string;
  /** Scores sessions (on their last trace) rather than traces. */
  sessionLevel: boolean;
  verdictType: VerdictType;
  /** The instructions, as the system message. */
  system: string;
  /** The user message: the material the instructions name. */
  content(material: JudgeMaterial): string;
}

/** A scorer the server cannot run online (a code scorer, a judge needing expectations, an unknown built-in). */
export class UnsupportedOnlineJudge extends Error {
  override name = 'UnsupportedOnlineJudge';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A tagged block of prompt material, as the SDK's judges write theirs. */
const section = judgeSection;

/** Longest rendering of one value in a prompt. */
const MAX_VALUE_CHARS = 20_000;

/**
 * A value as prompt text: strings as they are, anything else as JSON, cut at a bound.
 *
 * @example
 * promptText({ q: 'hi' }); // '{"q":"hi"}'
 */
export function promptText(value: unknown, max = MAX_VALUE_CHARS): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** A built-in judge the server runs: its instructions and what it reads, from the trace or its session. */
interface BuiltinJudge {
  system: string;
  sessionLevel: boolean;
  content(m: JudgeMaterial): string;
}

const requestAndResponse = (m: JudgeMaterial) => [section('request', promptText(m.inputs)), section('response', promptText(m.outputs))].join('\n\n');
const conversationOf = (m: JudgeMaterial) => section('conversation', m.conversation ?? '');
const I = BUILTIN_JUDGE_INSTRUCTIONS;

/**
 * Built-in judges the server runs, by MLflow's class name: those that read only what a trace or a
 * session holds. The others need expectations (Correctness, RetrievalSufficiency,
 * ExpectationsGuidelines) or span material the server does not extract yet (retrieved documents,
 * tool calls: RetrievalGroundedness, RetrievalRelevance, ToolCallCorrectness, ToolCallEfficiency).
 */
function builtinJudge(className: string, data: Json): BuiltinJudge | undefined {
  switch (className) {
    case 'Safety':
      return { system: I.Safety, sessionLevel: false, content: (m) => section('text', promptText(m.outputs)) };
    case 'RelevanceToQuery':
      return { system: I.RelevanceToQuery, sessionLevel: false, content: requestAndResponse };
    case 'Guidelines': {
      const guidelines = judgeGuidelines(data.guidelines);
      if (guidelines.length === 0) return undefined;
      const listed = guidelinesSection(guidelines);
      return { system: I.Guidelines, sessionLevel: false, content: (m) => [listed, requestAndResponse(m)].join('\n\n') };
    }
    case 'UserFrustration':
      return { system: I.UserFrustration, sessionLevel: true, content: conversationOf };
    case 'ConversationCompleteness':
      return { system: I.ConversationCompleteness, sessionLevel: true, content: conversationOf };
    case 'KnowledgeRetention':
      return { system: I.KnowledgeRetention, sessionLevel: true, content: conversationOf };
    default:
      return undefined;
  }
}

const VARIABLE = /\{\{\s*([^}]*?)\s*\}\}/g;
const ONLINE_VARIABLES = ['inputs', 'outputs', 'trace', 'conversation'] as const;
type OnlineVariable = (typeof ONLINE_VARIABLES)[number];

/** MLflow's `feedback_value_type` (a JSON schema of the result) as a verdict type; absent: yes / no. */
function verdictTypeOf(schema: unknown): VerdictType {
  if (!isObject(schema)) return { kind: 'yes_no' };
  const values = Array.isArray(schema.enum) ? schema.enum.filter((v): v is string => typeof v === 'string') : undefined;
  switch (schema.type) {
    case 'boolean':
      return { kind: 'boolean' };
    case 'number':
    case 'integer':
      return {
        kind: 'number',
        ...(typeof schema.minimum === 'number' ? { min: schema.minimum } : {}),
        ...(typeof schema.maximum === 'number' ? { max: schema.maximum } : {}),
      };
    case 'string':
      if (values && values.length === 2 && values.includes('yes') && values.includes('no')) return { kind: 'yes_no' };
      return values?.length ? { kind: 'string', options: values } : { kind: 'string' };
    default:
      return { kind: 'yes_no' };
  }
}

function material(variable: OnlineVariable, m: JudgeMaterial): string {
  switch (variable) {
    case 'inputs':
      return section('inputs', promptText(m.inputs));
    case 'outputs':
      return section('outputs', promptText(m.outputs));
    case 'trace':
      return section('trace', m.trace);
    case 'conversation':
      return section('conversation', m.conversation ?? '');
  }
}

function instructionsJudge(name: string, model: string, endpointName: string, data: Json, sessionFlag: boolean): OnlineJudgeDefinition {
  const instructions = typeof data.instructions === 'string' ? data.instructions : '';
  const used: OnlineVariable[] = [];
  for (const m of instructions.matchAll(VARIABLE)) {
    const v = m[1]!;
    if (v === 'expectations') throw new UnsupportedOnlineJudge(`Scorer '${name}' needs expectations, which online traces do not have.`);
    if (!(ONLINE_VARIABLES as readonly string[]).includes(v))
      throw new UnsupportedOnlineJudge(`Scorer '${name}' uses an unknown template variable {{ ${v} }}.`);
    if (!used.includes(v as OnlineVariable)) used.push(v as OnlineVariable);
  }
  if (used.length === 0) throw new UnsupportedOnlineJudge(`Scorer '${name}' has instructions without a template variable.`);
  return {
    name,
    model,
    endpointName,
    sessionLevel: sessionFlag || used.includes('conversation'),
    verdictType: verdictTypeOf(data.feedback_value_type),
    system: `You are a judge of an AI application's behaviour. Follow these instructions; the values of the {{ ... }} variables are given below them, each in a tag of its name.\n\n${instructions}`,
    content: (m) => used.map((v) => material(v, m)).join('\n\n'),
  };
}

/**
 * Reads a registered scorer as an online judge, or throws {@link UnsupportedOnlineJudge}.
 *
 * @example
 * const judge = onlineJudgeDefinition('judge', '{"name":"judge","instructions_judge_pydantic_data":{"instructions":"Is {{ outputs }} polite?","model":"gateway:/judge-ep"}}');
 * judge.endpointName; // 'judge-ep'
 */
export function onlineJudgeDefinition(name: string, serializedScorer: string): OnlineJudgeDefinition {
  let data: unknown;
  try {
    data = JSON.parse(serializedScorer);
  } catch {
    throw new UnsupportedOnlineJudge(`Scorer '${name}' is not valid JSON.`);
  }
  if (!isObject(data)) throw new UnsupportedOnlineJudge(`Scorer '${name}' is not a JSON object.`);
  const traits = scorerTraits(serializedScorer);
  if (traits.model === undefined || traits.gatewayEndpoint === undefined) throw new UnsupportedOnlineJudge(`Scorer '${name}' does not use a gateway model.`);
  const sessionFlag = data.is_session_level_scorer === true;
  if (isObject(data.instructions_judge_pydantic_data)) {
    return instructionsJudge(name, traits.model, traits.gatewayEndpoint, data.instructions_judge_pydantic_data, sessionFlag);
  }
  const className = typeof data.builtin_scorer_class === 'string' ? data.builtin_scorer_class : undefined;
  const builtin = className ? builtinJudge(className, isObject(data.builtin_scorer_pydantic_data) ? data.builtin_scorer_pydantic_data : {}) : undefined;
  if (!builtin) {
    if (className === 'Guidelines') throw new UnsupportedOnlineJudge(`Scorer '${name}' (Guidelines) has no guidelines.`);
    throw new UnsupportedOnlineJudge(`Scorer '${name}' (${className ?? 'custom code'}) cannot run online on this server.`);
  }
  return {
    name,
    model: traits.model,
    endpointName: traits.gatewayEndpoint,
    sessionLevel: builtin.sessionLevel || sessionFlag,
    verdictType: { kind: 'yes_no' },
    system: builtin.system,
    content: builtin.content,
  };
}

/**
 * The chat request of one judgement: the instructions and answer format as the system message, the
 * material as the user message, and the verdict's JSON schema as the response format.
 *
 * @example
 * await client.chat(judge.endpointName, judgeChatRequest(judge, material));
 */
export function judgeChatRequest(judge: OnlineJudgeDefinition, m: JudgeMaterial): ChatRequest {
  return {
    messages: [
      { role: 'system', content: `${judge.system}\n\n${verdictInstructions(judge.verdictType)}` },
      { role: 'user', content: judge.content(m) },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema: verdictSchema(judge.verdictType), strict: true } },
  };
}
