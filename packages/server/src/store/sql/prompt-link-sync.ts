import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * The `<name>/<version>` entries of a linked-prompts tag value (a JSON list of `{name, version}`);
 * anything else (not JSON, not a list, entries without both) contributes nothing.
 *
 * @example
 * promptTargets('[{"name":"qa","version":"2"}]'); // ['qa/2']
 */
export function promptTargets(tagValue: string | undefined): string[] {
  if (tagValue === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(tagValue);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out = new Set<string>();
  for (const entry of parsed) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { name, version } = entry as { name?: unknown; version?: unknown };
    if (typeof name === 'string' && name !== '' && (typeof version === 'string' || typeof version === 'number') && String(version) !== '')
      out.add(`${name}/${String(version)}`);
  }
  return [...out];
}

/**
 * Makes a trace's prompt-version links the entries of its `mlflow.linkedPrompts` tag (`undefined`:
 * the tag is gone), so `prompt = 'name/version'` matches exactly what the tag lists, however the tag
 * was written (StartTraceV3, the tag API, `link-prompts`).
 *
 * @example
 * await syncPromptLinks(tx, 'tr-…', '[{"name":"qa","version":"1"}]');
 */
export async function syncPromptLinks(db: Kysely<Database> | Transaction<Database>, traceId: string, tagValue: string | undefined): Promise<void> {
  await db.deleteFrom('trace_links').where('trace_id', '=', traceId).where('link_type', '=', 'prompt_version').execute();
  const targets = promptTargets(tagValue);
  if (targets.length === 0) return;
  await db
    .insertInto('trace_links')
    .values(targets.map((target_id) => ({ trace_id: traceId, link_type: 'prompt_version', target_id })))
    .execute();
}
