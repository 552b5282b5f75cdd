import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { Annotation, END, interrupt, MemorySaver, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI } from '@langchain/openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeProvider, type Harness, useIntegrationSuite } from '@loupe/fake-providers';
import { chatTurn, installOpenAI } from '@loupe/fake-providers/openai';
import { LoupeCallbackHandler } from './index.js';

let fake: FakeProvider;
let h: Harness;
let handler: LoupeCallbackHandler;
const suite = useIntegrationSuite([installOpenAI]);
beforeAll(async () => {
  ({ fake, h } = suite);
  handler = new LoupeCallbackHandler({ loupe: h.loupe });
});

describe('LangGraph StateGraph', () => {
  it('streams a graph with a model node and a ToolNode: node CHAINs > CHAT_MODEL / TOOL, user spans in a node nest under it', async () => {
    fake.enqueue(
      'POST',
      '/v1/chat/completions',
      chatTurn({ toolCalls: [{ id: 'c9', name: 'stock', arguments: { sku: 'A1' } }] }),
      chatTurn({ content: 'A1: 3 left.' }),
    );
    const stock = tool(async ({ sku }: { sku: string }) => `${sku}: 3`, {
      name: 'stock',
      description: 'Stock of a SKU',
      schema: z.object({ sku: z.string() }),
    });
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'k', configuration: { baseURL: `${fake.url}/v1` }, maxRetries: 0 }).bindTools([stock]);
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('model', async (state) => h.loupe.withSpan(async () => ({ messages: [await model.invoke(state.messages)] }), { name: 'user-in-node' }))
      .addNode('tools', new ToolNode([stock]))
      .addEdge(START, 'model')
      .addConditionalEdges('model', (state) => ((state.messages.at(-1) as AIMessage).tool_calls?.length ? 'tools' : END))
      .addEdge('tools', 'model')
      .compile();
    const seen: string[] = [];
    for await (const update of await graph.stream({ messages: [{ role: 'user', content: 'Stock of A1?' }] }, { callbacks: [handler], streamMode: 'updates' }))
      seen.push(...Object.keys(update));
    expect(seen).toEqual(['model', 'tools', 'model']);
    const spans = await h.spans();
    const root = spans.find((s) => s.parentId === undefined)!;
    expect(root.name).toBe('LangGraph');
    expect(spans.filter((s) => s.parentId === root.spanId).map((s) => s.name)).toEqual(['model', 'tools', 'model']);
    const firstNode = spans.find((s) => s.name === 'model')!;
    const userSpan = spans.find((s) => s.name === 'user-in-node')!;
    expect(userSpan.parentId).toBe(firstNode.spanId);
    const llm = spans.find((s) => s.spanType === 'CHAT_MODEL')!;
    // The model call inside the user's span: LangChain's run tree says node > model, and so does Loupe.
    expect(llm.parentId).toBe(firstNode.spanId);
    const toolSpan = spans.find((s) => s.spanType === 'TOOL')!;
    expect(spans.find((s) => s.spanId === toolSpan.parentId)!.name).toBe('tools');
    expect(toolSpan.outputs).toMatchObject({ content: 'A1: 3', tool_call_id: 'c9' });
  });

  it('an interrupt ends the node OK with a langgraph.interrupt event, not as an error', async () => {
    const State = Annotation.Root({
      messages: Annotation<BaseMessage[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
      approved: Annotation<boolean>(),
    });
    const graph = new StateGraph(State)
      .addNode('approve', () => ({ approved: interrupt('Approve?') as boolean }))
      .addEdge(START, 'approve')
      .addEdge('approve', END)
      .compile({ checkpointer: new MemorySaver() });
    const result = await graph.invoke({ messages: [] }, { callbacks: [handler], configurable: { thread_id: 't1' } });
    expect((result as { __interrupt__?: unknown }).__interrupt__).toBeDefined();
    const spans = await h.spans();
    const node = spans.find((s) => s.name === 'approve')!;
    expect(node.status).toBe('OK');
    expect(node.events.map((e) => e.name)).toEqual(['langgraph.interrupt']);
    expect(spans.every((s) => s.status !== 'ERROR')).toBe(true);
  });
});

describe('legacy agents', () => {
  it('a run that reports agent actions becomes an AGENT span with agent_action / agent_finish events', async () => {
    const runId = 'agent-run-1';
    handler.handleChainStart({ lc: 1, type: 'not_implemented', id: ['langchain', 'agents', 'AgentExecutor'] }, { input: 'hi' }, runId);
    handler.handleAgentAction({ tool: 'search', toolInput: { q: 'hi' }, log: 'thinking' }, runId);
    handler.handleAgentEnd({ returnValues: { output: 'done' }, log: '' }, runId);
    handler.handleChainEnd({ output: 'done' }, runId);
    const [span] = await h.spans();
    expect(span!.name).toBe('AgentExecutor');
    expect(span!.spanType).toBe('AGENT');
    expect(span!.events.map((e) => [e.name, e.attributes])).toEqual([
      ['agent_action', { tool: 'search', tool_input: { q: 'hi' }, log: 'thinking' }],
      ['agent_finish', { return_values: { output: 'done' } }],
    ]);
    expect(span!.outputs).toEqual({ output: 'done' });
  });
});
