import { TraceMetadataKey, TraceTagKey } from '@loupe/protocol/attributes';

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
 * One running trace. The span processor keeps its own bookkeeping on the same object (one map
 * lookup per span for both); `annotations` is the defaults the trace started with (shared, never
 * mutated) until `updateCurrentTrace` gives it its own.
 */
export interface RunningTrace {
  annotations: TraceAnnotations | Readonly<Record<string, string>>;
}

/**
 * The traces in progress in one Loupe instance, by OpenTelemetry trace id, and the defaults every new
 * trace starts with (the active model). No network: the span processor reads it when a trace ends.
 *
 * @example
 * registry.begin(traceId, { annotations: {} });
 * registry.update(traceId, { tags: { env: 'prod' } });
 * const annotations = registry.finish(traceId);
 */
export class TraceRegistry {
  private readonly traces = new Map<string, RunningTrace>();
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

  /** Registers a new trace (its local root started) with the caller's state object; false if it runs already. */
  begin(traceId: string, entry: RunningTrace): boolean {
    if (this.traces.has(traceId)) return false;
    entry.annotations = this.defaultMetadata;
    this.traces.set(traceId, entry);
    return true;
  }

  /** The running trace's entry, as given to `begin`. */
  get<T extends RunningTrace>(traceId: string): T | undefined {
    return this.traces.get(traceId) as T | undefined;
  }

  /** The oldest running trace (for eviction), if any. */
  oldest<T extends RunningTrace>(): [string, T] | undefined {
    return this.traces.entries().next().value as [string, T] | undefined;
  }

  /** Applies an update to a running trace; false when the trace is not running here. */
  update(traceId: string, update: TraceUpdate): boolean {
    const entry = this.traces.get(traceId);
    if (!entry) return false;
    let t: TraceAnnotations;
    if (isAnnotations(entry.annotations)) t = entry.annotations;
    else {
      t = { tags: {}, metadata: { ...entry.annotations } };
      entry.annotations = t;
    }
    if (update.tags) Object.assign(t.tags, stringMap(update.tags));
    if (update.metadata) Object.assign(t.metadata, stringMap(update.metadata));
    if (update.sessionId !== undefined) t.metadata[TraceMetadataKey.SESSION] = String(update.sessionId);
    if (update.userId !== undefined) t.metadata[TraceMetadataKey.USER] = String(update.userId);
    if (update.clientRequestId !== undefined) t.clientRequestId = String(update.clientRequestId);
    return true;
  }

  /**
   * Adds a prompt version to the running trace's `mlflow.linkedPrompts` tag (a JSON list of
   * `{name, version}`, as MLflow's trace manager keeps it); false when the trace is not running here.
   */
  linkPrompt(traceId: string, name: string, version: string): boolean {
    const entry = this.traces.get(traceId);
    if (!entry) return false;
    const current = isAnnotations(entry.annotations) ? entry.annotations.tags[TraceTagKey.LINKED_PROMPTS] : undefined;
    let linked: { name: string; version: string }[] = [];
    if (current !== undefined) {
      try {
        const parsed = JSON.parse(current) as unknown;
        if (Array.isArray(parsed)) linked = parsed as { name: string; version: string }[];
      } catch {
        // A tag the user wrote that is not JSON: replaced by the links.
      }
    }
    if (linked.some((p) => p.name === name && String(p.version) === version)) return true;
    linked.push({ name, version });
    return this.update(traceId, { tags: { [TraceTagKey.LINKED_PROMPTS]: JSON.stringify(linked) } });
  }

  /** Removes a trace whose local root ended and returns what was gathered for it. */
  finish(traceId: string, mlflowTraceId?: string): TraceAnnotations | undefined {
    const entry = this.traces.get(traceId);
    this.traces.delete(traceId);
    if (mlflowTraceId) this.lastTraceId = mlflowTraceId;
    if (entry === undefined) return undefined;
    return isAnnotations(entry.annotations) ? entry.annotations : { tags: {}, metadata: entry.annotations as Record<string, string> };
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
