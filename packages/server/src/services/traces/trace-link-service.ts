import { ApiError, TRACE_TAGS, type RequestOf } from '@loupe/protocol';
import type { LegacyTraceRequests as L } from '@loupe/protocol';
import type { TraceLinkStore } from '../../store/trace-link-store.js';
import type { TraceStore } from '../../store/trace-store.js';
import type { RunInfoRecord } from '../../store/tracking-store.js';

/** The trace tag listing linked prompt versions as JSON `[{name, version}]` (spec §4.7). */
export const LINKED_PROMPTS_TAG = TRACE_TAGS.linkedPrompts;
/** Traces one `link-to-run` call may link (spec §1.5). */
export const MAX_TRACES_PER_LINK = 100;

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

function promptRefs(list: RequestOf<typeof L.LinkPromptsToTrace>['prompt_versions']): PromptVersionRef[] {
  if (list.length === 0) throw ApiError.missing('prompt_versions');
  return list.map((p, i) => {
    if (!p.name) throw ApiError.missing(`prompt_versions[${i}].name`);
    if (!p.version) throw ApiError.missing(`prompt_versions[${i}].version`);
    // Versions are integers (MLflow parses them); '02' and '2' name the same version.
    if (!/^\d{1,18}$/.test(p.version))
      throw ApiError.invalid(`Invalid value '${p.version.slice(0, 100)}' for parameter 'prompt_versions[${i}].version' supplied: expected an integer.`);
    return { name: p.name, version: String(Number(p.version)) };
  });
}

/**
 * Links traces to runs and prompt versions (spec §4.2). Run links make `run_id = '...'` searches find
 * traces the run did not produce; prompt links back the `prompt = '<name>/<version>'` filter and the
 * `mlflow.linkedPrompts` tag clients display. No prompt registry is consulted: a link is a name and a
 * version, as MLflow's handler stores it.
 *
 * @example
 * await links.linkTracesToRun({ trace_ids: ['tr-…'], run_id: 'abc' });
 */
export class TraceLinkService {
  constructor(
    private readonly links: TraceLinkStore,
    private readonly traces: TraceStore,
    private readonly runs: { getInfo(runId: string): Promise<RunInfoRecord> },
  ) {}

  async linkTracesToRun(req: RequestOf<typeof L.LinkTracesToRun>): Promise<void> {
    if (req.trace_ids.length === 0) throw ApiError.missing('trace_ids');
    if (req.trace_ids.length > MAX_TRACES_PER_LINK) {
      throw ApiError.invalid(`Cannot link more than ${MAX_TRACES_PER_LINK} traces to a run in a single request ('trace_ids' has ${req.trace_ids.length}).`);
    }
    const runId = req.run_id || req.run_uuid;
    if (!runId) throw ApiError.missing('run_id');
    const run = await this.runs.getInfo(runId);
    const { missing } = await this.links.linkTracesToRun(req.trace_ids, run.runId);
    if (missing.length > 0) throw ApiError.notFound(`Traces with IDs ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''} not found.`);
  }

  async linkPromptsToTrace(req: RequestOf<typeof L.LinkPromptsToTrace>): Promise<void> {
    if (!req.trace_id) throw ApiError.missing('trace_id');
    const refs = promptRefs(req.prompt_versions);
    const trace = await this.traces.getTrace(req.trace_id);
    if (!trace) throw ApiError.notFound(`Trace with ID ${req.trace_id} is not found.`);
    const tag = mergeLinkedPrompts(trace.tags[LINKED_PROMPTS_TAG], refs);
    if (!(await this.links.linkPromptsToTrace(req.trace_id, tag))) {
      throw ApiError.notFound(`Trace with ID ${req.trace_id} is not found.`);
    }
  }
}
