import type { EvalRow } from './eval-rows';
import { compareScores, type ScoreChange } from './score-value';

/**
 * Two evaluation runs side by side, example by example.
 *
 * Rows are matched by the `mlflow.eval.requestId` trace tag when every row of both runs has one:
 * MLflow's harness sets it to the dataset row's request id (the record id of a managed dataset) or,
 * without one, to a hash of the row's inputs, so it names the same example in every run over the same
 * data and does not depend on previews being cut short. Otherwise (traces made by other tools) rows
 * match by the canonical JSON of the trace request (keys sorted, whitespace dropped), which ignores
 * how a client ordered or spaced the same inputs. Examples asked twice pair up in time order.
 */

/** How rows were matched. */
export type MatchBy = 'requestId' | 'inputs';

/** One example in both runs (or only one of them). */
export interface ComparedRow {
  key: string;
  before?: EvalRow;
  after?: EvalRow;
  /** Per scorer, how its verdict moved from `before` to `after`. */
  changes: Record<string, ScoreChange | undefined>;
  regressions: number;
  improvements: number;
}

/**
 * JSON text with object keys sorted and no whitespace; text that is not JSON (a preview cut short,
 * say) is returned trimmed.
 *
 * @example
 * canonicalJson('{ "b": 1, "a": [2, {"d": 3, "c": 4}] }'); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.trim();
  }
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sorted(value));
}

/**
 * How rows of these runs are matched: by request id when every row has one, else by inputs.
 *
 * @example
 * matchBy(rowsA, rowsB); // 'requestId'
 */
export function matchBy(before: readonly EvalRow[], after: readonly EvalRow[]): MatchBy {
  const all = [...before, ...after];
  return all.length > 0 && all.every((r) => r.requestId) ? 'requestId' : 'inputs';
}

function keyOf(row: EvalRow, by: MatchBy): string {
  return by === 'requestId' ? `id:${row.requestId}` : `in:${canonicalJson(row.request)}`;
}

function groups(rows: readonly EvalRow[], by: MatchBy): Map<string, EvalRow[]> {
  const out = new Map<string, EvalRow[]>();
  for (const r of [...rows].sort((a, b) => a.requestTimeMs - b.requestTimeMs)) {
    const k = keyOf(r, by);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * The examples of two runs matched up (see the module comment), in the order of `before`'s rows then
 * those only `after` has, each with its per-scorer changes and counts of regressions and improvements.
 *
 * @example
 * const { rows, by } = compareRuns(baselineRows, candidateRows, ['correctness']);
 * rows.filter((r) => r.regressions > 0);
 */
export function compareRuns(before: readonly EvalRow[], after: readonly EvalRow[], scorers: readonly string[]): { rows: ComparedRow[]; by: MatchBy } {
  const by = matchBy(before, after);
  const afterGroups = groups(after, by);
  const rows: ComparedRow[] = [];
  const add = (key: string, b: EvalRow | undefined, a: EvalRow | undefined) => {
    const changes: Record<string, ScoreChange | undefined> = {};
    let regressions = 0;
    let improvements = 0;
    for (const s of scorers) {
      const c = compareScores(b?.scores[s]?.score, a?.scores[s]?.score);
      changes[s] = c;
      if (c === 'regression') regressions++;
      if (c === 'improvement') improvements++;
    }
    const row: ComparedRow = { key, changes, regressions, improvements };
    if (b) row.before = b;
    if (a) row.after = a;
    rows.push(row);
  };
  for (const [key, list] of groups(before, by)) {
    const partners = afterGroups.get(key) ?? [];
    list.forEach((b, i) => add(list.length > 1 ? `${key}#${i}` : key, b, partners[i]));
    for (let i = list.length; i < partners.length; i++) add(`${key}#${i}`, undefined, partners[i]);
    afterGroups.delete(key);
  }
  for (const [key, list] of afterGroups) list.forEach((a, i) => add(list.length > 1 ? `${key}#${i}` : key, undefined, a));
  return { rows, by };
}
