import { describe, expect, it } from 'vitest';
import { spanTypeHint } from './span-type-hint';

describe('spanTypeHint', () => {
  const present = new Map([
    ['CHAT_MODEL', 12],
    ['TOOL', 3],
  ]);

  it('names the missing type, the types recent traces have, and the filter that finds every model call', () => {
    expect(spanTypeHint("span.type = 'LLM'", present)).toBe(
      "No recent span has type LLM; recent traces have CHAT_MODEL (12), TOOL (3). Model calls are typed LLM or CHAT_MODEL: span.type IN ('LLM', 'CHAT_MODEL') finds both.",
    );
    expect(spanTypeHint("span.type IN ('RETRIEVER', 'RERANKER') AND tag.env = 'prod'", present)).toBe(
      'No recent span has type RETRIEVER or RERANKER; recent traces have CHAT_MODEL (12), TOOL (3).',
    );
  });

  it('says nothing when the types are present, unknown yet, not asked for, or the filter does not parse', () => {
    expect(spanTypeHint("span.type = 'CHAT_MODEL'", present)).toBeUndefined();
    expect(spanTypeHint("span.type IN ('LLM', 'CHAT_MODEL')", present)).toBeUndefined();
    expect(spanTypeHint("span.type = 'LLM'", undefined)).toBeUndefined();
    expect(spanTypeHint("trace.status = 'OK'", present)).toBeUndefined();
    expect(spanTypeHint("span.type != 'LLM'", present)).toBeUndefined();
    expect(spanTypeHint("span.type = 'LLM", present)).toBeUndefined();
  });
});
