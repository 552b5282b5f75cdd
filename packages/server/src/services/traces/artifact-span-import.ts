import { ApiError, TraceTagKey } from '@loupe/protocol';
import type { PriceCatalog } from '@loupe/protocol/pricing';
import type { SpanBatch, TraceRecord, TraceStore } from '../../store/trace-store.js';
import type { ArtifactDownload } from '../artifact-service.js';
import type { IngestSpan } from '../../ingest/ingest-span.js';
import { rootSummary, toSpanRecord } from '../../ingest/span-batches.js';
import { withLlmCost } from '../../ingest/span-cost.js';
import { parseTraceJson } from './trace-json.js';

/** The name clients upload span data under, in the trace's `mlflow.artifactLocation` (spec §4.3). */
export const TRACE_DATA_FILE = 'traces.json';
/** Largest `traces.json` read (as large as one OTLP request may be once decoded). */
export const MAX_TRACE_JSON_BYTES = 64 * 1024 * 1024;

/** What the importer reads artifacts with (the ArtifactService). */
export interface TraceArtifactReader {
  openUnderUri(rootUri: string, relPath: string): Promise<ArtifactDownload>;
}

async function readText(file: ArtifactDownload): Promise<string> {
  const chunks: Uint8Array[] = [];
  const reader = file.stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The spans of a `traces.json` as one store batch of `record`'s trace (its id, not the spans' OTel id:
 * v2 ids differ), priced as OTLP spans are.
 */
function batchOf(record: TraceRecord, spans: IngestSpan[], pricing: PriceCatalog | undefined): SpanBatch {
  const root = spans.find((s) => s.parentSpanId === null);
  const earliestNs = spans.reduce(
    (min, s) => (BigInt(s.startTimeUnixNano) < min ? BigInt(s.startTimeUnixNano) : min),
    BigInt(spans[0]?.startTimeUnixNano ?? 0),
  );
  return {
    traceId: record.traceId,
    experimentId: record.experimentId,
    spans: spans.map((s) => toSpanRecord(withLlmCost(s, pricing))),
    earliestStartMs: Number(earliestNs / 1_000_000n),
    ...(root ? { root: rootSummary(root) } : {}),
    tags: {},
    metadata: {},
  };
}

/**
 * The artifact mode of older clients (spec §4.3): a trace whose spans never came over OTLP, whose client
 * uploaded `traces.json` to the trace's `mlflow.artifactLocation` instead. The first read of such a
 * trace imports the file's spans into the span table (idempotent per span, so concurrent first reads
 * are harmless), after which reads, span pages and span searches treat it like any other trace. The
 * file stays where the client put it.
 *
 * @example
 * const record = await importer.ensureSpans(await store.getTrace(id)); // spanCount > 0 once imported
 */
export class ArtifactSpanImporter {
  constructor(
    private readonly store: TraceStore,
    private readonly artifacts: TraceArtifactReader,
    /** Prices spans with a model and tokens but no cost, as OTLP ingest does (none: not priced). */
    private readonly pricing?: PriceCatalog,
  ) {}

  /**
   * `record` with its spans in the store: as it is when it has spans, when spans stream over OTLP, or
   * when no readable `traces.json` exists (missing, unserved location, too large or malformed: the
   * trace is then served without spans, as MLflow's clients drop span data they cannot read).
   */
  async ensureSpans(record: TraceRecord): Promise<TraceRecord> {
    if (record.spanCount > 0 || record.tags[TraceTagKey.SPANS_LOCATION] === 'TRACKING_STORE') return record;
    const location = record.tags[TraceTagKey.ARTIFACT_LOCATION];
    if (!location) return record;
    const text = await this.readTraceJson(location);
    if (text === undefined) return record;
    let spans: IngestSpan[];
    try {
      spans = parseTraceJson(text);
    } catch (err) {
      if (ApiError.is(err)) return record;
      throw err;
    }
    if (spans.length === 0) return record;
    await this.store.ingestSpans(batchOf(record, spans, this.pricing));
    return (await this.store.getTrace(record.traceId)) ?? record;
  }

  private async readTraceJson(location: string): Promise<string | undefined> {
    let file: ArtifactDownload;
    try {
      file = await this.artifacts.openUnderUri(location, TRACE_DATA_FILE);
    } catch (err) {
      // Not uploaded (yet), or a location this server does not serve.
      if (ApiError.is(err)) return undefined;
      throw err;
    }
    if (file.size > MAX_TRACE_JSON_BYTES) {
      await file.stream.cancel();
      return undefined;
    }
    return readText(file);
  }
}
