import { ApiError, TraceTagKey } from '@loupe/protocol';
import type { TraceLinkStore } from '../../store/trace-link-store.js';
import type { TraceRecord, TraceStore } from '../../store/trace-store.js';
import type { RunInfoRecord } from '../../store/tracking-store.js';
import { maxResults, nextPageToken, pageRequest } from '../pagination.js';

/** The trace tag listing linked prompt versions as JSON `[{name, version}]` (spec §4.7). */
export const LINKED_PROMPTS_TAG = TraceTagKey.LINKED_PROMPTS;

/** A prompt version reference as the linked-prompts tag holds it (version as a string). */
export interface PromptVersionRef {
  name: string;
  version: string;
}

/**
 * The linked-prompts tag with `refs` added after what it already lists, each (name, version) once,
 * as MLflow merges it. A tag that is not a JSON list is refused rather than overwritten.
 *
 * @example
 * mergeLinkedPrompts('[{"name":"qa","version":"1"}]', [{ name: 'qa', version: '2' }]);
 * // '[{"name":"qa","version":"1"},{"name":"qa","version":"2"}]'
 */
export function mergeLinkedPrompts(current: string | undefined, refs: PromptVersionRef[]): string {
  let list: unknown[] = [];
  if (current !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(current);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed)) throw ApiError.invalid(`The trace's '${LINKED_PROMPTS_TAG}' tag is not a JSON list: ${current.slice(0, 200)}`);
    list = parsed;
  }
  const key = (name: unknown, version: unknown) => JSON.stringify([name, version]);
  const seen = new Set(list.map((p) => (p && typeof p === 'object' ? key((p as PromptVersionRef).name, (p as PromptVersionRef).version) : '')));
  for (const ref of refs) {
    if (seen.has(key(ref.name, ref.version))) continue;
    seen.add(key(ref.name, ref.version));
    list.push({ name: ref.name, version: ref.version });
  }
  return JSON.stringify(list);
}

/**
 * Links traces to runs and prompt versions (spec §4.2). Run links make `run_id = '...'` searches find
 * traces the run did not produce; prompt links back the `prompt = '<name>/<version>'` filter and the
 * `mlflow.linkedPrompts` tag clients display. No prompt registry is consulted: a link is a name and a
 * version, as MLflow's handler stores it.
 *
 * @example
 * await links.linkTracesToRun(['tr-…'], 'abc');
 */
export class TraceLinkService {
  constructor(
    private readonly links: TraceLinkStore,
    private readonly traces: TraceStore,
    private readonly runs: { getInfo(runId: string): Promise<RunInfoRecord> },
  ) {}

  /** Links traces to a run, all or nothing: an unknown run or trace is RESOURCE_DOES_NOT_EXIST. */
  async linkTracesToRun(traceIds: string[], runId: string): Promise<void> {
    const run = await this.runs.getInfo(runId);
    const { missing } = await this.links.linkTracesToRun(traceIds, run.runId);
    if (missing.length > 0) throw ApiError.notFound(`Traces with IDs ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''} not found.`);
  }

  /** Adds prompt versions to a trace's linked prompts (each once). */
  async linkPromptsToTrace(traceId: string, refs: PromptVersionRef[]): Promise<void> {
    const trace = await this.traces.getTrace(traceId);
    if (!trace) throw ApiError.notFound(`Trace with ID ${traceId} is not found.`);
    const tag = mergeLinkedPrompts(trace.tags[LINKED_PROMPTS_TAG], refs);
    if (!(await this.links.linkPromptsToTrace(traceId, tag))) {
      throw ApiError.notFound(`Trace with ID ${traceId} is not found.`);
    }
  }

  /**
   * The traces that used a prompt version (linked with `link-prompts` or listed in their
   * `mlflow.linkedPrompts` tag), newest first: the other side of a trace's linked prompts. A version
   * nothing links to has no traces, whether or not it is registered.
   */
  async tracesOfPromptVersion(
    name: string,
    version: number,
    page: { maxResults?: number | undefined; pageToken?: string | undefined },
  ): Promise<{ traces: TraceRecord[]; nextPageToken?: string }> {
    const request = pageRequest(page.pageToken, maxResults(page.maxResults, 100, 1000));
    const { traceIds, hasMore } = await this.links.listLinkedTraces('prompt_version', `${name}/${version}`, request);
    const byId = new Map((await this.traces.getTraces(traceIds)).map((t) => [t.traceId, t]));
    const traces = traceIds.flatMap((id) => byId.get(id) ?? []);
    const token = nextPageToken(request, hasMore);
    return token ? { traces, nextPageToken: token } : { traces };
  }
}
