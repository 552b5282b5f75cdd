import { parseTraceFilter } from '@loupe/protocol';

/** The span types MLflow gives model calls: completion-style and chat-style. */
const MODEL_CALL_TYPES = ['LLM', 'CHAT_MODEL'];

/**
 * Why a trace filter naming a span type may have found nothing: the types it asks for that no recent
 * span has, the types recent traces do have, and for model calls the filter that finds both kinds
 * (MLflow's span types are exact: chat calls are `CHAT_MODEL`, `span.type = 'LLM'` misses them).
 * Undefined when the filter names no span type, or any one it names is present.
 *
 * @example
 * spanTypeHint("span.type = 'LLM'", new Map([['CHAT_MODEL', 12]]));
 * // "No recent span has type LLM; recent traces have CHAT_MODEL (12). Model calls are typed LLM or CHAT_MODEL: span.type IN ('LLM', 'CHAT_MODEL') finds both."
 */
export function spanTypeHint(filter: string, present: ReadonlyMap<string, number> | undefined): string | undefined {
  if (!present || !/span\.type/i.test(filter)) return undefined;
  let asked: string[];
  try {
    asked = parseTraceFilter(filter).flatMap((c) =>
      c.entity === 'span' && c.key === 'type' && (c.op === '=' || c.op === 'IN')
        ? c.value.kind === 'string'
          ? [c.value.value]
          : c.value.kind === 'list'
            ? c.value.values.map(String)
            : []
        : [],
    );
  } catch {
    return undefined;
  }
  // When any type asked for is there, the other clauses found nothing: no hint about types.
  const missing = asked.filter((t) => !present.has(t));
  if (missing.length === 0 || missing.length < asked.length) return undefined;
  const have = [...present].sort(([, x], [, y]) => y - x).map(([type, n]) => `${type} (${n.toLocaleString('en-US')})`);
  const parts = [`No recent span has type ${missing.join(' or ')}${have.length ? `; recent traces have ${have.join(', ')}` : ''}.`];
  if (missing.some((t) => MODEL_CALL_TYPES.includes(t)) && MODEL_CALL_TYPES.some((t) => present.has(t)))
    parts.push("Model calls are typed LLM or CHAT_MODEL: span.type IN ('LLM', 'CHAT_MODEL') finds both.");
  return parts.join(' ');
}
