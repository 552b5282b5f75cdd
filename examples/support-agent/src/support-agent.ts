import type OpenAI from 'openai';
import { getLoupe, type Loupe } from '@loupe/sdk';
import { traceOpenAI } from '@loupe/openai';
import type { ProductDatabase } from './product-db.js';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** The tools the model may call, as the Chat Completions API takes them. */
export const SUPPORT_TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'search_products',
      description: 'Search the product catalog by keywords; returns name, SKU, price and stock.',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string', description: 'Keywords, e.g. "noise cancelling headphones"' } },
        required: ['query'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_order_status',
      description: 'Look up an order by its id (like A1001): status, items, carrier and tracking number.',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'search_policies',
      description: 'Search the store policies (returns, refunds, shipping, warranty).',
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    },
  },
];

const SYSTEM_PROMPT =
  'You are the customer support agent of an electronics shop. Answer briefly and only from what the tools return. ' +
  'Use get_order_status for questions about an order, search_products for products, prices and stock, and search_policies for returns, refunds, shipping and warranty.';

/** Options of {@link createSupportAgent}. */
export interface SupportAgentOptions {
  openai: OpenAI;
  db: ProductDatabase;
  /** Default `gpt-4o-mini`. */
  model?: string;
  /** The Loupe instance to trace into (default: the one `init()` made). */
  loupe?: Loupe;
  /** Model turns at most per question (default 5). */
  maxSteps?: number;
}

/** What one question produced. */
export interface SupportAnswer {
  answer: string;
  traceId: string | undefined;
  toolCalls: string[];
}

/**
 * A tool-calling support agent: the model decides which tool to call, the agent runs it and hands
 * the result back, until the model answers. Tracing is one line (`traceOpenAI`) plus a span per
 * tool, so a trace shows each decision: the AGENT span holds the CHAT_MODEL calls (with the chat,
 * tokens and cost) and the TOOL and RETRIEVER spans between them.
 *
 * @example
 * const agent = createSupportAgent({ openai: new OpenAI(), db: new ProductDatabase() });
 * const { answer } = await agent.ask('Where is my order A1001?', { sessionId: 'chat-1', userId: 'dana' });
 */
export function createSupportAgent(options: SupportAgentOptions) {
  const loupe = options.loupe ?? getLoupe();
  const openai = traceOpenAI(options.openai, { loupe });
  const { db } = options;
  const model = options.model ?? 'gpt-4o-mini';

  const searchPolicies = loupe.trace(
    (query: string) => db.searchPolicies(query).map((d) => ({ id: d.id, page_content: d.text, metadata: { title: d.title, score: d.score } })),
    {
      name: 'policy_retriever',
      spanType: 'RETRIEVER',
    },
  );
  const tools: Record<string, (args: Record<string, unknown>) => unknown> = {
    search_products: loupe.trace((args: Record<string, unknown>) => db.searchProducts(String(args.query ?? '')), { name: 'search_products', spanType: 'TOOL' }),
    get_order_status: loupe.trace(
      (args: Record<string, unknown>) => db.getOrder(String(args.order_id ?? '')) ?? { error: `no order ${String(args.order_id)}` },
      { name: 'get_order_status', spanType: 'TOOL' },
    ),
    search_policies: loupe.trace((args: Record<string, unknown>) => searchPolicies(String(args.query ?? '')), { name: 'search_policies', spanType: 'TOOL' }),
  };

  const runTool = (name: string, rawArgs: string): unknown => {
    const tool = tools[name];
    if (!tool) return { error: `unknown tool ${name}` };
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(rawArgs) as Record<string, unknown>;
    } catch {
      return { error: `arguments are not JSON: ${rawArgs}` };
    }
    return tool(args);
  };

  const ask = loupe.trace(
    async (question: string, context: { sessionId?: string; userId?: string } = {}): Promise<SupportAnswer> => {
      loupe.updateCurrentTrace({
        ...(context.sessionId ? { sessionId: context.sessionId } : {}),
        ...(context.userId ? { userId: context.userId } : {}),
        tags: { agent: 'support-agent' },
      });
      const messages: Message[] = [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: question },
      ];
      const toolCalls: string[] = [];
      for (let step = 0; step < (options.maxSteps ?? 5); step++) {
        const completion = await openai.chat.completions.create({ model, messages, tools: SUPPORT_TOOLS, temperature: 0 });
        const message = completion.choices[0]?.message;
        if (!message) break;
        const calls = (message.tool_calls ?? []).filter((c) => c.type === 'function');
        if (calls.length === 0) return { answer: message.content ?? '', traceId: loupe.getCurrentTraceId(), toolCalls };
        messages.push({ role: 'assistant', content: message.content, tool_calls: calls });
        for (const call of calls) {
          toolCalls.push(call.function.name);
          messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(runTool(call.function.name, call.function.arguments)) });
        }
      }
      return { answer: 'Sorry, I could not finish that request. A colleague will follow up by email.', traceId: loupe.getCurrentTraceId(), toolCalls };
    },
    { name: 'support-agent', spanType: 'AGENT' },
  );

  return { ask };
}
