/**
 * A retriever span's documents, read from the shapes retrievers record: MLflow's `Document`
 * (`{page_content, metadata, id}`, also LangChain Python's), LangChain JS's `pageContent`, a list of
 * them or `{documents: [...]}`.
 */

/** One retrieved document, ready to show. */
export interface RetrievedDocument {
  content: string;
  id?: string;
  /** Where it came from: `metadata.source`, `doc_uri` or `url`. */
  source?: string;
  /** The rest of its metadata. */
  metadata: Record<string, unknown>;
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const SOURCE_KEYS = ['source', 'doc_uri', 'url'] as const;

function readDocument(v: unknown): RetrievedDocument | null {
  if (!isDict(v)) return null;
  const content = v.page_content ?? v.pageContent;
  if (typeof content !== 'string') return null;
  const metadata: Dict = isDict(v.metadata) ? { ...v.metadata } : {};
  const doc: RetrievedDocument = { content, metadata };
  const id = v.id ?? metadata.chunk_id;
  if (typeof id === 'string' || typeof id === 'number') doc.id = String(id);
  for (const key of SOURCE_KEYS) {
    const source = metadata[key];
    if (typeof source === 'string' && source) {
      doc.source = source;
      delete metadata[key];
      break;
    }
  }
  if (doc.id !== undefined && metadata.chunk_id !== undefined && String(metadata.chunk_id) === doc.id) delete metadata.chunk_id;
  return doc;
}

/**
 * The documents of a retriever's outputs; null when the outputs are not documents.
 *
 * @example
 * extractDocuments([{ page_content: 'Refunds within 30 days.', metadata: { source: 'kb/refunds.md' }, id: 'doc-1' }]);
 * // [{ content: 'Refunds within 30 days.', id: 'doc-1', source: 'kb/refunds.md', metadata: {} }]
 */
export function extractDocuments(outputs: unknown): RetrievedDocument[] | null {
  const list = Array.isArray(outputs) ? outputs : isDict(outputs) && Array.isArray(outputs.documents) ? outputs.documents : null;
  if (!list || list.length === 0) return null;
  const docs = list.map(readDocument);
  return docs.every((d): d is RetrievedDocument => d !== null) ? docs : null;
}

/**
 * What a retriever was asked: its input when that is text, or the `query` / `question` / `input`
 * field holding it.
 *
 * @example
 * retrieverQuery({ query: 'refund policy', k: 3 }); // 'refund policy'
 */
export function retrieverQuery(inputs: unknown): string | undefined {
  if (typeof inputs === 'string') return inputs;
  if (!isDict(inputs)) return undefined;
  for (const key of ['query', 'question', 'input', 'text']) if (typeof inputs[key] === 'string') return inputs[key];
  return undefined;
}
