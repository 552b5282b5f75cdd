import { describe, expect, it } from 'vitest';
import { applySuggestion, completeFilter, keyWithName } from './filter-autocomplete';
import { runFilterFields, spanTypeValues, traceFilterFields } from './search-vocabulary';

const fields = traceFilterFields({
  tags: new Map([
    ['env', new Set(['prod', 'staging'])],
    ['mlflow.user', new Set(['a'])],
  ]),
  metadata: new Set(['mlflow.trace.session']),
  assessments: new Set(['helpful']),
});
const inserts = (input: string, cursor = input.length) => completeFilter(input, cursor, fields).suggestions.map((s) => s.insert);

describe('completeFilter', () => {
  it('suggests keys at the start, by prefix or substring', () => {
    expect(inserts('')).toContain('trace.status');
    expect(inserts('span.ty')).toEqual(['span.type']);
    expect(inserts('env')).toEqual(['tag.env']);
    expect(inserts('sess')).toEqual(['metadata.`mlflow.trace.session`']);
    expect(completeFilter('span.ty', 7, fields)).toMatchObject({ from: 0, to: 7 });
  });

  it('suggests the comparators of the key, then its values, quoted', () => {
    expect(inserts('span.type ')).toEqual(['=', '!=', 'LIKE', 'ILIKE', 'RLIKE', 'IN', 'NOT IN']);
    expect(inserts('trace.execution_time_ms ')).toEqual(['=', '!=', '>', '>=', '<', '<=']);
    expect(inserts('span.type = ')).toContain("'TOOL'");
    expect(inserts("span.type = 'TO")).toEqual(["'TOOL'", "'EVALUATOR'"]);
    expect(inserts('tag.env = ')).toEqual(["'prod'", "'staging'"]);
    expect(inserts('trace.status IN (')).toEqual(["'OK'", "'ERROR'", "'IN_PROGRESS'"]);
    expect(inserts('trace.text LIKE ')[0]).toBe("'%%'");
  });

  it('suggests AND after a complete clause, then keys again', () => {
    expect(inserts("span.type = 'LLM' ")).toEqual(['AND']);
    expect(inserts("span.type = 'LLM' AND ")).toContain('trace.status');
    expect(inserts("span.type = 'LLM' AND tra")).toContain('trace.name');
    expect(inserts('metadata.`mlflow.trace.session` IS NOT NULL ')).toEqual(['AND']);
    expect(inserts("trace.status IN ('OK', 'ERROR') ")).toEqual(['AND']);
  });

  it('completes in the middle of a filter, replacing the word under the cursor', () => {
    const input = "span.ty = 'LLM'";
    const c = completeFilter(input, 7, fields);
    expect(c).toMatchObject({ from: 0, to: 7 });
    expect(applySuggestion(input, c, c.suggestions[0]!)).toEqual({ text: "span.type = 'LLM'", cursor: 10 });
  });

  it('applies suggestions with a space after, and places the cursor inside a LIKE pattern', () => {
    const c = completeFilter('span.ty', 7, fields);
    expect(applySuggestion('span.ty', c, c.suggestions[0]!)).toEqual({ text: 'span.type ', cursor: 10 });
    const like = completeFilter('trace.text LIKE ', 16, fields);
    expect(applySuggestion('trace.text LIKE ', like, like.suggestions[0]!)).toEqual({ text: "trace.text LIKE '%%'", cursor: 18 });
  });

  it('quotes keys that need it, and knows the run grammar', () => {
    expect(keyWithName('tag', 'mlflow.user')).toBe('tag.`mlflow.user`');
    expect(keyWithName('metrics', 'val_loss')).toBe('metrics.val_loss');
    const runFields = runFilterFields({ metrics: new Set(['acc']), params: new Map([['lr', new Set(['0.01'])]]), tags: new Map() });
    expect(completeFilter('metrics.acc ', 12, runFields).suggestions.map((s) => s.insert)).toContain('>');
    expect(completeFilter('params.lr = ', 12, runFields).suggestions.map((s) => s.insert)).toEqual(["'0.01'"]);
    expect(completeFilter('attributes.st', 13, runFields).suggestions.map((s) => s.insert)).toEqual(['attributes.status', 'attributes.start_time']);
  });

  it("offers the span types recent traces really have first, with their counts, and in IN lists: CHAT_MODEL before an absent 'LLM'", () => {
    const present = traceFilterFields({
      tags: new Map(),
      metadata: new Set(),
      assessments: new Set(),
      spanTypes: new Map([
        ['TOOL', 3],
        ['CHAT_MODEL', 12],
        ['my_type', 1],
      ]),
    });
    const values = (input: string) => completeFilter(input, input.length, present).suggestions.map((s) => [s.label, s.detail]);
    expect(values('span.type = ').slice(0, 4)).toEqual([
      ['CHAT_MODEL', '12 spans recently'],
      ['TOOL', '3 spans recently'],
      ['my_type', '1 span recently'],
      ['LLM', 'none recently'],
    ]);
    expect(values("span.type IN ('CHAT_MODEL', ").slice(0, 1)).toEqual([['CHAT_MODEL', '12 spans recently']]);
    expect(values("span.type = 'LL")).toEqual([['LLM', 'none recently']]);
    // Before the counts arrive (or without them), MLflow's types, LLM first.
    expect(spanTypeValues(undefined).values?.slice(0, 2)).toEqual(['LLM', 'CHAT_MODEL']);
    expect(spanTypeValues(new Map()).valueDetails?.LLM).toBe('none recently');
  });
});
