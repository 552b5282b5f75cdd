import type { Trace, TraceSpan } from '../../client/trace-model.js';
import { promptText } from './judge-inputs.js';
import type { JudgeTool } from './model/types.js';

/**
 * The tools a `{{ trace }}` judge uses to look into a trace instead of reading it whole: list spans
 * (paged), get one span (inputs and outputs cut to a limit), and search span names, inputs and
 * outputs. Every answer is bounded, so a 10,000-span trace costs what the agent reads, not its size.
 */

/** Limits of the trace tools' answers. */
export interface TraceToolLimits {
  /** Most spans per `list_spans` page (default 50). */
  pageSize: number;
  /** Characters of a span's inputs, outputs or attributes in `get_span` (default 4,000 each). */
  valueChars: number;
  /** Most span ids `search_trace` returns (default 20). */
  searchResults: number;
}

export const DEFAULT_TRACE_TOOL_LIMITS: TraceToolLimits = { pageSize: 50, valueChars: 4_000, searchResults: 20 };

/** The tools' definitions, as the model sees them. */
export const TRACE_TOOLS: JudgeTool[] = [
  {
    name: 'list_spans',
    description: 'Lists the spans of the trace in start order, a page at a time: id, parent id, name, type, status and duration.',
    parameters: {
      type: 'object',
      properties: {
        offset: { type: 'integer', description: 'Index of the first span to list (default 0).' },
        limit: { type: 'integer', description: 'How many spans to list (at most 50).' },
      },
      required: [],
    },
  },
  {
    name: 'get_span',
    description: 'Gets one span by id: its name, type, status, timing, inputs, outputs and attributes (long values are cut).',
    parameters: {
      type: 'object',
      properties: { span_id: { type: 'string', description: 'The span id from list_spans or search_trace.' } },
      required: ['span_id'],
    },
  },
  {
    name: 'search_trace',
    description: 'Finds spans whose name, inputs or outputs contain a text (case-insensitive). Returns span ids and where the text was found.',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'The text to look for.' } },
      required: ['query'],
    },
  },
];

const toInt = (v: unknown, fallback: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.floor(v)) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : fallback;

function summary(s: TraceSpan) {
  return { span_id: s.spanId, parent_id: s.parentId, name: s.name, span_type: s.spanType, status: s.status, duration_ms: s.durationMs };
}

/** Runs the trace tools over one trace (span text is serialised once, on first search). */
export class TraceToolbox {
  private readonly byId: Map<string, TraceSpan>;
  private texts: { span: TraceSpan; name: string; inputs: string; outputs: string }[] | undefined;

  constructor(
    readonly trace: Trace,
    private readonly limits: TraceToolLimits = DEFAULT_TRACE_TOOL_LIMITS,
  ) {
    this.byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  }

  /**
   * The answer of one tool call, as JSON text.
   *
   * @example
   * toolbox.run('search_trace', { query: 'timeout' }); // '{"query":"timeout","total_matches":2,"matches":[...]}'
   */
  run(name: string, args: Record<string, unknown>): string {
    switch (name) {
      case 'list_spans':
        return JSON.stringify(this.listSpans(toInt(args.offset, 0), toInt(args.limit, this.limits.pageSize)));
      case 'get_span':
        return JSON.stringify(this.getSpan(String(args.span_id ?? '')));
      case 'search_trace':
        return JSON.stringify(this.search(String(args.query ?? '')));
      default:
        return JSON.stringify({ error: `unknown tool '${name}': use list_spans, get_span or search_trace` });
    }
  }

  listSpans(offset: number, limit: number) {
    const size = Math.min(Math.max(1, limit), this.limits.pageSize);
    const spans = this.trace.spans.slice(offset, offset + size).map(summary);
    const next = offset + size < this.trace.spans.length ? offset + size : null;
    return { total_spans: this.trace.spans.length, offset, spans, next_offset: next };
  }

  getSpan(spanId: string) {
    const s = this.byId.get(spanId);
    if (!s) return { error: `no span with id '${spanId}' in this trace` };
    const n = this.limits.valueChars;
    return {
      ...summary(s),
      status_message: s.statusMessage || undefined,
      inputs: promptText(s.inputs ?? null, n),
      outputs: promptText(s.outputs ?? null, n),
      attributes: promptText(Object.fromEntries(Object.entries(s.attributes).filter(([k]) => k !== 'mlflow.spanInputs' && k !== 'mlflow.spanOutputs')), n),
      children: this.trace.spans.filter((c) => c.parentId === s.spanId).length,
    };
  }

  search(query: string) {
    const q = query.trim().toLowerCase();
    if (!q) return { error: 'query is empty' };
    this.texts ??= this.trace.spans.map((span) => ({
      span,
      name: span.name.toLowerCase(),
      inputs: promptText(span.inputs ?? '', Infinity).toLowerCase(),
      outputs: promptText(span.outputs ?? '', Infinity).toLowerCase(),
    }));
    const matches: { span_id: string; name: string; span_type: string; found_in: string[] }[] = [];
    let total = 0;
    for (const t of this.texts) {
      const where = (['name', 'inputs', 'outputs'] as const).filter((k) => t[k].includes(q));
      if (where.length === 0) continue;
      total++;
      if (matches.length < this.limits.searchResults) matches.push({ span_id: t.span.spanId, name: t.span.name, span_type: t.span.spanType, found_in: where });
    }
    return { query, total_matches: total, matches };
  }
}

/**
 * A compact trace description for models the agent cannot give tools to: the root's inputs and
 * outputs and the first spans' names, types, statuses and durations, bounded in size.
 *
 * @example
 * traceSummary(trace, 200);
 */
export function traceSummary(trace: Trace, maxSpans = 200): string {
  const root = trace.spans.find((s) => s.parentId === null) ?? trace.spans[0];
  const lines = [
    `trace ${trace.info.trace_id}: ${trace.spans.length} spans, state ${trace.info.state ?? 'unknown'}`,
    root ? `root inputs: ${promptText(root.inputs ?? null, 4_000)}` : '',
    root ? `root outputs: ${promptText(root.outputs ?? null, 4_000)}` : '',
    'spans (id, parent, type, name, status, duration ms):',
    ...trace.spans
      .slice(0, maxSpans)
      .map((s) => `- ${s.spanId} ${s.parentId ?? '-'} ${s.spanType} ${JSON.stringify(s.name)} ${s.status} ${s.durationMs ?? '?'}`),
  ];
  if (trace.spans.length > maxSpans) lines.push(`... and ${trace.spans.length - maxSpans} more spans not shown`);
  return lines.filter((l) => l !== '').join('\n');
}
