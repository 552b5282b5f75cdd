import { TraceMetadataKey } from './attribute-keys.js';

/** What a trace carries besides its spans, gathered while it runs (`updateCurrentTrace`). */
export interface TraceAnnotations {
  tags: Record<string, string>;
  metadata: Record<string, string>;
  clientRequestId?: string;
}

/**
 * What `updateCurrentTrace` may change on the running trace.
 *
 * @example
 * updateCurrentTrace({ tags: { env: 'prod' }, sessionId: 's-1', userId: 'ann', clientRequestId: 'req-9' });
 */
export interface TraceUpdate {
  tags?: Record<string, string>;
  metadata?: Record<string, string>;
  sessionId?: string;
  userId?: string;
  clientRequestId?: string;
}

/**
 * The traces in progress in one Loupe instance, by OpenTelemetry trace id, and the defaults every new
 * trace starts with (the active model). No network: the span processor reads it when a trace ends.
 *
 * @example
 * registry.begin(traceId);
 * registry.update(traceId, { tags: { env: 'prod' } });
 * const annotations = registry.finish(traceId);
 */
export class TraceRegistry {
  /**
   * Per running trace: the defaults it started with (shared, never mutated) until something updates
   * it, then its own annotations. Most traces are never updated, so they allocate nothing here.
   */
  private readonly traces = new Map<string, TraceAnnotations | Readonly<Record<string, string>>>();
  private defaultMetadata: Readonly<Record<string, string>> = Object.freeze({});
  private lastTraceId: string | undefined;

  /** Metadata every trace started from now on carries (e.g. `mlflow.modelId`); `undefined` removes a key. */
  setDefaultMetadata(key: string, value: string | undefined): void {
    const next: Record<string, string> = { ...this.defaultMetadata };
    if (value === undefined) delete next[key];
    else next[key] = value;
    this.defaultMetadata = Object.freeze(next);
  }

  /** The value of a default metadata key. */
  defaultMetadataValue(key: string): string | undefined {
    return this.defaultMetadata[key];
  }

  /** Registers a new trace (its local root started). */
  begin(traceId: string): void {
    if (!this.traces.has(traceId)) this.traces.set(traceId, this.defaultMetadata);
  }

  /** Applies an update to a running trace; false when the trace is not running here. */
  update(traceId: string, update: TraceUpdate): boolean {
    const entry = this.traces.get(traceId);
    if (!entry) return false;
    let t: TraceAnnotations;
    if (isAnnotations(entry)) t = entry;
    else {
      t = { tags: {}, metadata: { ...entry } };
      this.traces.set(traceId, t);
    }
    if (update.tags) Object.assign(t.tags, stringMap(update.tags));
    if (update.metadata) Object.assign(t.metadata, stringMap(update.metadata));
    if (update.sessionId !== undefined) t.metadata[TraceMetadataKey.SESSION] = String(update.sessionId);
    if (update.userId !== undefined) t.metadata[TraceMetadataKey.USER] = String(update.userId);
    if (update.clientRequestId !== undefined) t.clientRequestId = String(update.clientRequestId);
    return true;
  }

  /** Removes a trace whose local root ended and returns what was gathered for it. */
  finish(traceId: string, mlflowTraceId?: string): TraceAnnotations | undefined {
    const entry = this.traces.get(traceId);
    this.traces.delete(traceId);
    if (mlflowTraceId) this.lastTraceId = mlflowTraceId;
    if (entry === undefined) return undefined;
    return isAnnotations(entry) ? entry : { tags: {}, metadata: entry as Record<string, string> };
  }

  /** Number of traces in progress. */
  get size(): number {
    return this.traces.size;
  }

  /** The MLflow id (`tr-...`) of the trace that ended last, if any. */
  get lastActiveTraceId(): string | undefined {
    return this.lastTraceId;
  }
}

function isAnnotations(entry: TraceAnnotations | Readonly<Record<string, string>>): entry is TraceAnnotations {
  return typeof (entry as TraceAnnotations).tags === 'object';
}

function stringMap(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}
