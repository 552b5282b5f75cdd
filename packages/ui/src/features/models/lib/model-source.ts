/** Where a model version came from: a run (`runs:/<run_id>/path`) or a logged model (`models:/m-...`). */
export type ModelSource = { kind: 'run'; id: string } | { kind: 'logged-model'; id: string };

/**
 * What a version's `source` points at, or undefined for other URIs (a storage path, `dummy-source`).
 *
 * @example
 * parseModelSource('runs:/abc123/model'); // { kind: 'run', id: 'abc123' }
 * parseModelSource('models:/m-0123'); // { kind: 'logged-model', id: 'm-0123' }
 */
export function parseModelSource(source: string): ModelSource | undefined {
  const run = /^runs:\/([^/]+)(\/|$)/.exec(source);
  if (run?.[1]) return { kind: 'run', id: run[1] };
  const logged = /^models:\/(m-[^/]+)\/?$/.exec(source);
  if (logged?.[1]) return { kind: 'logged-model', id: logged[1] };
  return undefined;
}
