import { ApiError, TraceTagKey } from '@loupe/protocol';
import type { TraceLinkStore } from '../../store/trace-link-store.js';
import type { TraceStore } from '../../store/trace-store.js';
import type { RunInfoRecord } from '../../store/tracking-store.js';

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
}
