/** What a trace can be linked to (MLflow's trace entity associations, spec §4.3). */
export type TraceLinkType = 'run' | 'prompt_version';

/**
 * Links from traces to runs and prompt versions. Links go with their trace when it is deleted; linking
 * twice is a no-op.
 *
 * @example
 * await links.linkTracesToRun(['tr-…'], 'run-id', Date.now());
 * await links.listLinks('tr-…', 'run'); // ['run-id']
 */
export interface TraceLinkStore {
  /**
   * Links traces to a run, all or nothing: when some trace does not exist nothing is written and its
   * id comes back in `missing`.
   */
  linkTracesToRun(traceIds: string[], runId: string, createdMs: number): Promise<{ missing: string[] }>;
  /**
   * Links prompt versions (`<name>/<version>`) to a trace and, in the same transaction, sets one of its
   * tags (the linked-prompts list clients read). False when the trace does not exist.
   */
  linkPromptsToTrace(traceId: string, promptVersions: string[], tag: { key: string; value: string }, createdMs: number): Promise<boolean>;
  /** The targets a trace is linked to, of one type, sorted. */
  listLinks(traceId: string, type: TraceLinkType): Promise<string[]>;
}
