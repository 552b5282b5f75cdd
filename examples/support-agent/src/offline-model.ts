import { startFakeProvider, type FakeProvider, type FakeRequest } from '@loupe/fake-providers/fake-server';
import { installFakeJudge } from '@loupe/fake-providers/judge';
import { chatCompletionReply, installOpenAI, type FakeTurn } from '@loupe/fake-providers/openai';

interface WireMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

const ORDER_ID = /\b([A-Z]\d{4})\b/i;
const POLICY_WORDS = /\b(refunds?|returns?|returning|warranty|shipping|ship|deliver(y|ed)?)\b/i;

function parse(content: unknown): unknown {
  try {
    return JSON.parse(String(content));
  } catch {
    return content;
  }
}

/** The answer a support model would write from one tool result. */
function summarize(tool: string, result: unknown): string {
  if (result && typeof result === 'object' && 'error' in result)
    return `I could not find that: ${String((result as { error: unknown }).error)}. Could you check the order number?`;
  if (tool === 'get_order_status') {
    const o = result as { orderId: string; status: string; carrier?: string; tracking?: string; shippedAt?: string };
    return o.status === 'shipped'
      ? `Order ${o.orderId} shipped on ${o.shippedAt} with ${o.carrier}; the tracking number is ${o.tracking}.`
      : `Order ${o.orderId} is ${o.status}.`;
  }
  if (tool === 'search_products') {
    const products = result as { name: string; sku: string; priceUsd: number; inStock: number }[];
    if (products.length === 0) return 'We have no product matching that, sorry.';
    return products
      .map((p) => `${p.name} (${p.sku}) costs $${p.priceUsd} and is ${p.inStock > 0 ? `in stock (${p.inStock} left)` : 'out of stock'}.`)
      .join(' ');
  }
  const docs = result as { page_content: string; metadata: { title: string } }[];
  if (docs.length === 0) return 'I found no policy about that; a colleague will email you.';
  return `From our ${docs[0]!.metadata.title} policy: ${docs[0]!.page_content.split('. ')[0]}.`;
}

/**
 * The offline stand-in for a real model: a deterministic support model behind the OpenAI wire
 * protocol. It calls `get_order_status` for an order id, `search_policies` for returns, refunds,
 * shipping or warranty, `search_products` otherwise, then answers from the tool's result.
 *
 * @example
 * const turn = decideTurn(request); // { toolCalls: [{ name: 'get_order_status', arguments: { order_id: 'A1001' } }] }
 */
export function decideTurn(request: FakeRequest): FakeTurn {
  const messages = ((request.json as { messages?: WireMessage[] } | undefined)?.messages ?? []) as WireMessage[];
  const last = messages.at(-1);
  if (last?.role === 'tool') {
    const calls = new Map(messages.flatMap((m) => m.tool_calls ?? []).map((c) => [c.id, c.function.name]));
    const results = messages.slice(messages.findLastIndex((m) => m.role === 'assistant') + 1).filter((m) => m.role === 'tool');
    return { content: results.map((r) => summarize(calls.get(r.tool_call_id ?? '') ?? '', parse(r.content))).join(' ') };
  }
  const question = typeof last?.content === 'string' ? last.content : '';
  const order = ORDER_ID.exec(question);
  if (order) return { toolCalls: [{ name: 'get_order_status', arguments: { order_id: order[1]!.toUpperCase() } }] };
  if (POLICY_WORDS.test(question)) return { toolCalls: [{ name: 'search_policies', arguments: { query: question } }] };
  if (/\w{4,}/.test(question) && !/^(hi|hello|hey|thanks?)\b/i.test(question.trim()))
    return { toolCalls: [{ name: 'search_products', arguments: { query: question } }] };
  return { content: 'Hello! I can help with orders, products and store policies.' };
}

/**
 * Starts the offline model: a local server speaking OpenAI's Chat Completions API.
 *
 * @example
 * const model = await startOfflineModel();
 * const openai = new OpenAI({ baseURL: `${model.url}/v1`, apiKey: 'offline' });
 */
export async function startOfflineModel(): Promise<FakeProvider> {
  const fake = await startFakeProvider();
  installOpenAI(fake);
  fake.route('POST', '/v1/chat/completions', (request) => chatCompletionReply(request, decideTurn(request)));
  return fake;
}

/**
 * Starts the offline judge: a local OpenAI-compatible server answering judge requests with a
 * deterministic verdict and rationale (`installFakeJudge`), for evaluating without an API key.
 *
 * @example
 * const judge = await startOfflineJudge();
 * const scorers = supportJudgeScorers({ model: 'openai:/gpt-4.1-mini', modelOptions: { baseUrl: `${judge.url}/v1`, apiKey: 'offline' } });
 */
export async function startOfflineJudge(): Promise<FakeProvider> {
  const fake = await startFakeProvider();
  installFakeJudge(fake);
  return fake;
}
