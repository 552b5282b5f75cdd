import { SpanAttributeKey } from '@loupe/protocol/attributes';
import type { SpanRecord, TraceRecord, TraceStore } from '../../../store/trace-store.js';
import { anyValue, isDict } from '../../traces/trace-json.js';
import { promptText, type JudgeMaterial } from './online-judge-definition.js';

/** Most spans read for one judgement, and most shown in `{{ trace }}`. */
const MAX_SPANS = 500;
const MAX_RENDERED_SPANS = 100;
const MAX_SPAN_VALUE_CHARS = 500;

/** A span's attributes, JSON-decoded as MLflow writes them (JSON text in string values). */
function spanAttributes(span: SpanRecord): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(span.content);
  } catch {
    return {};
  }
  const list = isDict(doc) && Array.isArray(doc.attributes) ? doc.attributes : [];
  const out: Record<string, unknown> = {};
  for (const kv of list) {
    if (!isDict(kv) || typeof kv.key !== 'string') continue;
    const raw = anyValue(kv.value);
    if (typeof raw === 'string') {
      try {
        out[kv.key] = JSON.parse(raw);
        continue;
      } catch {
        // plain text
      }
    }
    out[kv.key] = raw;
  }
  return out;
}

async function readSpans(store: TraceStore, traceId: string): Promise<SpanRecord[]> {
  const { items } = await store.getSpans(traceId, { offset: 0, limit: MAX_SPANS });
  return items;
}

/** The spans as an indented outline: name, type, status, and short inputs / outputs. */
function renderSpans(spans: SpanRecord[]): string {
  const children = new Map<string | null, SpanRecord[]>();
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startTimeUs - b.startTimeUs)) {
      if (lines.length >= MAX_RENDERED_SPANS) return;
      const attrs = spanAttributes(s);
      const io = [
        attrs[SpanAttributeKey.INPUTS] !== undefined ? `inputs: ${promptText(attrs[SpanAttributeKey.INPUTS], MAX_SPAN_VALUE_CHARS)}` : '',
        attrs[SpanAttributeKey.OUTPUTS] !== undefined ? `outputs: ${promptText(attrs[SpanAttributeKey.OUTPUTS], MAX_SPAN_VALUE_CHARS)}` : '',
      ].filter(Boolean);
      lines.push(`${'  '.repeat(depth)}- ${s.name} [${s.type}, ${s.status}]${io.length ? ` ${io.join('; ')}` : ''}`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(null, 0);
  if (spans.length > lines.length) lines.push(`(${spans.length - lines.length} more spans not shown)`);
  return lines.join('\n');
}

function rootOf(record: TraceRecord, spans: SpanRecord[]): SpanRecord | undefined {
  return spans.find((s) => s.spanId === record.rootSpanId) ?? spans.find((s) => s.parentSpanId === null);
}

/** The root span's inputs and outputs, else the trace's previews. */
function rootIo(record: TraceRecord, spans: SpanRecord[]): { inputs: unknown; outputs: unknown } {
  const root = rootOf(record, spans);
  const attrs = root ? spanAttributes(root) : {};
  return {
    inputs: attrs[SpanAttributeKey.INPUTS] ?? record.requestPreview ?? '',
    outputs: attrs[SpanAttributeKey.OUTPUTS] ?? record.responsePreview ?? '',
  };
}

/**
 * What a judge reads of one trace: its root span's inputs and outputs and an outline of its spans.
 *
 * @example
 * const material = await traceMaterial(traceStore, record);
 */
export async function traceMaterial(store: TraceStore, record: TraceRecord): Promise<JudgeMaterial> {
  const spans = await readSpans(store, record.traceId);
  return { ...rootIo(record, spans), trace: renderSpans(spans) };
}

/**
 * What a session judge reads: the last trace's material plus every turn of the session, oldest first.
 *
 * @example
 * const material = await sessionMaterial(traceStore, sessionTraces);
 */
export async function sessionMaterial(store: TraceStore, traces: readonly TraceRecord[]): Promise<JudgeMaterial> {
  const turns: string[] = [];
  let last: JudgeMaterial = { inputs: '', outputs: '', trace: '' };
  for (const record of traces) {
    const spans = await readSpans(store, record.traceId);
    const io = rootIo(record, spans);
    turns.push(`user: ${promptText(io.inputs, 4_000)}\nassistant: ${promptText(io.outputs, 4_000)}`);
    last = { ...io, trace: renderSpans(spans) };
  }
  return { ...last, conversation: turns.join('\n\n') };
}
