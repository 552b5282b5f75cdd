import type { LifecycleStage, ViewType } from '@loupe/protocol';

const MAX_ID = Number.MAX_SAFE_INTEGER;

/**
 * The integer key behind a wire experiment id, or undefined when it cannot name a row (so lookups
 * answer "does not exist" instead of a database type error).
 *
 * @example
 * toDbId('12'); // 12
 * toDbId('abc'); // undefined
 */
export function toDbId(id: string): number | undefined {
  if (!/^\d{1,16}$/.test(id)) return undefined;
  const n = Number(id);
  return n <= MAX_ID ? n : undefined;
}

/**
 * Lifecycle stages a view type selects.
 *
 * @example
 * lifecycleStages('ALL'); // ['active', 'deleted']
 */
export function lifecycleStages(viewType: ViewType): LifecycleStage[] {
  if (viewType === 'ACTIVE_ONLY') return ['active'];
  if (viewType === 'DELETED_ONLY') return ['deleted'];
  return ['active', 'deleted'];
}
