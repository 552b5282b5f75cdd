import { sql, type RawBuilder } from 'kysely';
import { ApiError, TRACE_SOURCE_RUN_METADATA, type Comparison, type TraceFilterEntity } from '@loupe/protocol';
import type { TraceLinkType } from '../trace-link-store.js';

/**
 * Traces (alias `t`) linked to one of `targets`, looked up from the (type, target) index.
 *
 * @example
 * sql`${linkedTo('run', ['r1'])}`; // t.trace_id in (select l.trace_id from trace_links l where ...)
 */
export function linkedTo(type: TraceLinkType, targets: string[]): RawBuilder<unknown> {
  return sql`t.trace_id in (select l.trace_id from trace_links l where l.link_type = ${type} and l.target_id in (${sql.join(targets)}))`;
}

function values(c: Comparison<TraceFilterEntity>): string[] | undefined {
  if (c.op === '=' && c.value.kind === 'string') return [c.value.value];
  if (c.op === 'IN' && c.value.kind === 'list') return c.value.values;
  return undefined;
}

/**
 * `run_id = '...'` / `run_id IN (...)` (the parser's metadata `mlflow.sourceRun`) matches a trace the
 * run produced or one linked to it with `link-to-run`, as MLflow's SQL store does (spec §9.5). Other
 * comparisons keep their plain metadata meaning (`undefined`).
 *
 * @example
 * sourceRunOrLinked(comparison, metadataClause); // (metadata matches or linked to the run)
 */
export function sourceRunOrLinked(c: Comparison<TraceFilterEntity>, metadataClause: RawBuilder<unknown>): RawBuilder<unknown> | undefined {
  if (c.entity !== 'metadata' || c.key !== TRACE_SOURCE_RUN_METADATA) return undefined;
  const runIds = values(c);
  if (!runIds || runIds.length === 0) return undefined;
  return sql`(${metadataClause} or ${linkedTo('run', runIds)})`;
}

/**
 * `prompt = '<name>/<version>'`: traces linked to that prompt version with `link-prompts`.
 *
 * @example
 * promptLinked({ entity: 'prompt', key: 'prompt', op: '=', value: { kind: 'string', value: 'qa/2' } });
 */
export function promptLinked(c: Comparison<TraceFilterEntity>): RawBuilder<unknown> {
  const targets = values(c);
  if (!targets) throw ApiError.invalid("Invalid prompt filter: only `prompt = '<name>/<version>'` is supported.");
  return linkedTo('prompt_version', targets);
}
