import type { PageRequest } from './tracking-store.js';

/** What a trace can be linked to (MLflow's trace entity associations, spec §4.3). */
export type TraceLinkType = 'run' | 'prompt_version';

/**
 * Links from traces to runs and prompt versions. Links go with their trace when it is deleted; linking
 * twice is a no-op.
 *
 * @example
 * await links.linkTracesToRun(['tr-…'], 'run-id');
 * await links.listLinks('tr-…', 'run'); // ['run-id']
 */
export interface TraceLinkStore {
  /**
   * Links traces to a run, all or nothing: when some trace does not exist nothing is written and its
   * id comes back in `missing`.
   */
  linkTracesToRun(traceIds: string[], runId: string): Promise<{ missing: string[] }>;
  /**
   * Sets a trace's `mlflow.linkedPrompts` tag (a JSON list of `{name, version}`) and links the trace
   * to exactly the prompt versions it lists, in one transaction. False when the trace does not exist.
   * Every other write of that tag (StartTraceV3, the tag API) keeps the links equal to it too.
   */
  linkPromptsToTrace(traceId: string, linkedPromptsTag: string): Promise<boolean>;
  /** The targets a trace is linked to, of one type, sorted. */
  listLinks(traceId: string, type: TraceLinkType): Promise<string[]>;
  /** One page of the traces linked to a target, newest first (request time, then trace id). */
  listLinkedTraces(type: TraceLinkType, targetId: string, page: PageRequest): Promise<{ traceIds: string[]; hasMore: boolean }>;
}
