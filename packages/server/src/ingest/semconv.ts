import { SpanAttributeKey } from '@loupe/protocol';
import { completeTokenUsage } from '@loupe/protocol/pricing';
import type { IngestSpan } from './ingest-span.js';

/**
 * Third-party GenAI span conventions mapped to MLflow's own span attributes at ingest, so a trace
 * from any producer shows its span types, inputs, outputs, model and token usage:
 * OpenTelemetry GenAI semantic conventions (`gen_ai.*`), OpenInference (`openinference.span.kind`,
 * `input.value`, `llm.*`) and OpenLLMetry / Traceloop (`traceloop.*`, `llm.request.type`,
 * `gen_ai.prompt.N.*`). Attributes the producer set are kept; `mlflow.*` values it set win.
 * A cost the producer computed (OpenInference `llm.cost.*`, OpenLIT `gen_ai.usage.cost`, Pydantic
 * AI / Logfire `operation.cost`) becomes `mlflow.llm.cost`, so the price catalog never replaces it.
 * Usage and cost are mapped onto model calls only, not onto AGENT or CHAIN spans: producers that put
 * counts there (Pydantic AI's `invoke_agent`, some OpenInference agents) roll up their children's,
 * which the trace total already sums.
 */

const SPAN_TYPE = SpanAttributeKey.SPAN_TYPE;
const INPUTS = SpanAttributeKey.INPUTS;
const OUTPUTS = SpanAttributeKey.OUTPUTS;
const MODEL = SpanAttributeKey.LLM_MODEL;
const PROVIDER = SpanAttributeKey.LLM_PROVIDER;
const USAGE = SpanAttributeKey.TOKEN_USAGE;
const COST = SpanAttributeKey.LLM_COST;
/** Span types whose token counts and cost, when a producer gives them, total their children's. */
const ROLLUP_TYPES = new Set(['AGENT', 'CHAIN']);

/** `openinference.span.kind` values that are MLflow span types as they are. */
const OPENINFERENCE_KINDS = new Set(['LLM', 'CHAIN', 'TOOL', 'RETRIEVER', 'EMBEDDING', 'AGENT', 'RERANKER', 'GUARDRAIL', 'EVALUATOR']);
const TRACELOOP_KINDS: Record<string, string> = { workflow: 'CHAIN', task: 'CHAIN', agent: 'AGENT', tool: 'TOOL' };
const GEN_AI_OPERATIONS: Record<string, string> = {
  chat: 'CHAT_MODEL',
  text_completion: 'LLM',
  generate_content: 'LLM',
  embeddings: 'EMBEDDING',
  execute_tool: 'TOOL',
  invoke_agent: 'AGENT',
  create_agent: 'AGENT',
};
const LLM_REQUEST_TYPES: Record<string, string> = { chat: 'CHAT_MODEL', completion: 'LLM', embedding: 'EMBEDDING', rerank: 'RERANKER' };

/** A key any of the conventions uses starts like one of these: one cheap test per attribute. */
function isThirdParty(key: string): boolean {
  switch (key.charCodeAt(0)) {
    case 103: // g
      return key.startsWith('gen_ai.');
    case 108: // l
      return key.startsWith('llm.');
    case 111: // o
      return key.startsWith('openinference.') || key.startsWith('output.') || key === 'operation.cost';
    case 105: // i
      return key.startsWith('input.');
    case 116: // t
      return key.startsWith('traceloop.');
    default:
      return false;
  }
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** A JSON text decoded, anything else (plain text, values already structured) as it is. */
function jsonOrText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}

/** `prefix.N.field` attributes as a list ordered by N: `gen_ai.prompt.0.role`, `gen_ai.prompt.0.content`, ... */
function indexedList(a: Record<string, unknown>, prefix: string): Record<string, unknown>[] | undefined {
  const items = new Map<number, Record<string, unknown>>();
  for (const [key, value] of Object.entries(a)) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) continue;
    const n = Number(rest.slice(0, dot));
    if (!Number.isInteger(n) || n < 0) continue;
    let field = rest.slice(dot + 1);
    // OpenInference nests each message: llm.input_messages.0.message.role
    if (field.startsWith('message.')) field = field.slice('message.'.length);
    const item = items.get(n) ?? {};
    item[field] = value;
    items.set(n, item);
  }
  if (items.size === 0) return undefined;
  return [...items.entries()].sort((x, y) => x[0] - y[0]).map(([, item]) => item);
}

function spanType(a: Record<string, unknown>): string | undefined {
  const oi = text(a['openinference.span.kind'])?.toUpperCase();
  if (oi && OPENINFERENCE_KINDS.has(oi)) return oi;
  const op = text(a['gen_ai.operation.name']);
  if (op && GEN_AI_OPERATIONS[op]) return GEN_AI_OPERATIONS[op];
  const requestType = text(a['llm.request.type']);
  if (requestType && LLM_REQUEST_TYPES[requestType]) return LLM_REQUEST_TYPES[requestType];
  const tl = text(a['traceloop.span.kind']);
  if (tl && TRACELOOP_KINDS[tl]) return TRACELOOP_KINDS[tl];
  if (a['gen_ai.request.model'] !== undefined || a['gen_ai.system'] !== undefined || a['llm.model_name'] !== undefined) return 'LLM';
  return undefined;
}

function inputs(a: Record<string, unknown>): unknown {
  if (a['input.value'] !== undefined) return a['input.mime_type'] === 'application/json' ? jsonOrText(a['input.value']) : a['input.value'];
  if (a['gen_ai.input.messages'] !== undefined) return jsonOrText(a['gen_ai.input.messages']);
  if (a['gen_ai.tool.call.arguments'] !== undefined) return jsonOrText(a['gen_ai.tool.call.arguments']);
  if (a['traceloop.entity.input'] !== undefined) return jsonOrText(a['traceloop.entity.input']);
  const prompts = indexedList(a, 'gen_ai.prompt.') ?? indexedList(a, 'llm.input_messages.');
  return prompts ? { messages: prompts } : undefined;
}

function outputs(a: Record<string, unknown>): unknown {
  if (a['output.value'] !== undefined) return a['output.mime_type'] === 'application/json' ? jsonOrText(a['output.value']) : a['output.value'];
  if (a['gen_ai.output.messages'] !== undefined) return jsonOrText(a['gen_ai.output.messages']);
  if (a['gen_ai.tool.call.result'] !== undefined) return jsonOrText(a['gen_ai.tool.call.result']);
  if (a['traceloop.entity.output'] !== undefined) return jsonOrText(a['traceloop.entity.output']);
  const completions = indexedList(a, 'gen_ai.completion.') ?? indexedList(a, 'llm.output_messages.');
  return completions ? { choices: completions.map((message, index) => ({ index, message })) } : undefined;
}

function tokenUsage(a: Record<string, unknown>): Record<string, number> | undefined {
  const input =
    num(a['gen_ai.usage.input_tokens']) ?? num(a['gen_ai.usage.prompt_tokens']) ?? num(a['llm.token_count.prompt']) ?? num(a['llm.usage.prompt_tokens']);
  const output =
    num(a['gen_ai.usage.output_tokens']) ??
    num(a['gen_ai.usage.completion_tokens']) ??
    num(a['llm.token_count.completion']) ??
    num(a['llm.usage.completion_tokens']);
  const total = num(a['llm.token_count.total']) ?? num(a['llm.usage.total_tokens']) ?? num(a['gen_ai.usage.total_tokens']);
  const cacheRead =
    num(a['gen_ai.usage.cache_read.input_tokens']) ?? num(a['gen_ai.usage.cache_read_input_tokens']) ?? num(a['llm.token_count.prompt_details.cache_read']);
  const cacheCreation =
    num(a['gen_ai.usage.cache_creation.input_tokens']) ??
    num(a['gen_ai.usage.cache_creation_input_tokens']) ??
    num(a['llm.token_count.prompt_details.cache_write']);
  // Completed as the server's totals are (an embeddings call's output is 0), so the attribute and the trace totals agree.
  const usage = completeTokenUsage({
    input_tokens: input,
    output_tokens: output,
    total_tokens: total,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheCreation,
  });
  return usage as Record<string, number> | undefined;
}

/** A cost the producer computed, in USD, as `mlflow.llm.cost` writes it. */
function producerCost(a: Record<string, unknown>): Record<string, number> | undefined {
  const input = num(a['llm.cost.prompt']);
  const output = num(a['llm.cost.completion']);
  const total =
    num(a['llm.cost.total']) ??
    num(a['gen_ai.usage.cost']) ??
    num(a['operation.cost']) ??
    (input !== undefined && output !== undefined ? input + output : undefined);
  if (total === undefined) return undefined;
  return { ...(input !== undefined ? { input_cost: input } : {}), ...(output !== undefined ? { output_cost: output } : {}), total_cost: total };
}

/** A span type as MLflow's clients write it (JSON-encoded by the Python SDK) or as mapped. */
function typeName(v: unknown): string | undefined {
  return typeof v === 'string' ? v.replace(/^"(.*)"$/, '$1') : undefined;
}

/**
 * The span with MLflow's attributes added from the GenAI conventions it carries (see the module
 * comment). A span with no third-party attribute is returned as it is, at the cost of one character
 * test per attribute key.
 *
 * @example
 * withMlflowAttributes(span).attributes['mlflow.spanType']; // 'CHAT_MODEL' for gen_ai.operation.name = 'chat'
 */
export function withMlflowAttributes(span: IngestSpan): IngestSpan {
  const a = span.attributes;
  let found = false;
  for (const key in a) {
    if (isThirdParty(key)) {
      found = true;
      break;
    }
  }
  if (!found) return span;
  const added: Record<string, unknown> = {};
  const add = (key: string, value: unknown) => {
    if (value !== undefined && a[key] === undefined) added[key] = value;
  };
  const type = spanType(a);
  add(SPAN_TYPE, type);
  add(INPUTS, inputs(a));
  add(OUTPUTS, outputs(a));
  add(MODEL, text(a['gen_ai.response.model']) ?? text(a['gen_ai.request.model']) ?? text(a['llm.model_name']));
  add(PROVIDER, text(a['gen_ai.provider.name']) ?? text(a['gen_ai.system']) ?? text(a['llm.provider']) ?? text(a['llm.system']));
  if (!ROLLUP_TYPES.has(typeName(a[SPAN_TYPE]) ?? type ?? '')) {
    add(USAGE, tokenUsage(a));
    add(COST, producerCost(a));
  }
  return Object.keys(added).length === 0 ? span : { ...span, attributes: { ...a, ...added } };
}
