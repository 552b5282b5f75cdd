import { describe, expect, it } from 'vitest';
import { extractDocuments, retrieverQuery } from './retriever-documents';
import { defaultSpanTab, hasTabContent, shownSpanTab, type SpanContent } from './span-tabs';

describe('extractDocuments', () => {
  it("reads MLflow's Document schema: content, id, source, the rest of the metadata", () => {
    expect(
      extractDocuments([
        { page_content: 'Refunds within 30 days.', metadata: { source: 'kb/refunds.md', score: 0.9 }, id: 'doc-1' },
        { page_content: 'Gift cards are final.', metadata: { doc_uri: 'https://kb/gift', chunk_id: '7' } },
        { page_content: '', metadata: null, id: 3 },
      ]),
    ).toEqual([
      { content: 'Refunds within 30 days.', id: 'doc-1', source: 'kb/refunds.md', metadata: { score: 0.9 } },
      { content: 'Gift cards are final.', id: '7', source: 'https://kb/gift', metadata: {} },
      { content: '', id: '3', metadata: {} },
    ]);
  });

  it("reads LangChain JS's pageContent and a {documents} wrapper", () => {
    expect(extractDocuments({ documents: [{ pageContent: 'a', metadata: { url: 'u' } }] })).toEqual([{ content: 'a', source: 'u', metadata: {} }]);
  });

  it('is null for anything else', () => {
    expect(extractDocuments([])).toBeNull();
    expect(extractDocuments(['doc about refunds'])).toBeNull();
    expect(extractDocuments([{ page_content: 'a' }, { text: 'b' }])).toBeNull();
    expect(extractDocuments({ answer: 'x' })).toBeNull();
    expect(extractDocuments(undefined)).toBeNull();
  });

  it("finds the retriever's query", () => {
    expect(retrieverQuery('refunds')).toBe('refunds');
    expect(retrieverQuery({ query: 'refunds', k: 3 })).toBe('refunds');
    expect(retrieverQuery({ question: 'why?' })).toBe('why?');
    expect(retrieverQuery({ k: 3 })).toBeUndefined();
  });
});

describe('span tabs', () => {
  const llm: SpanContent = { chat: true, documents: false, io: true, attributes: 4, events: 0 };
  const retriever: SpanContent = { chat: false, documents: true, io: true, attributes: 2, events: 0 };
  const failedTool: SpanContent = { chat: false, documents: false, io: true, attributes: 1, events: 1 };
  const bare: SpanContent = { chat: false, documents: false, io: false, attributes: 0, events: 0 };

  it('opens a span on its richest view', () => {
    expect(defaultSpanTab(llm)).toBe('chat');
    expect(defaultSpanTab(retriever)).toBe('documents');
    expect(defaultSpanTab(failedTool)).toBe('io');
    expect(defaultSpanTab({ ...bare, attributes: 2 })).toBe('attributes');
    expect(defaultSpanTab({ ...bare, events: 1 })).toBe('events');
    expect(defaultSpanTab(bare)).toBe('io');
  });

  it('keeps a picked view where it has content and falls back where it would be empty', () => {
    expect(shownSpanTab('events', failedTool)).toBe('events');
    expect(shownSpanTab('events', llm)).toBe('chat');
    expect(shownSpanTab('io', llm)).toBe('io');
    expect(shownSpanTab('documents', llm)).toBe('chat');
    expect(shownSpanTab('chat', retriever)).toBe('documents');
    expect(shownSpanTab('attributes', failedTool)).toBe('attributes');
    expect(shownSpanTab(null, failedTool)).toBe('io');
    expect(hasTabContent('attributes', bare)).toBe(false);
  });
});
