import { describe, expect, it } from 'vitest';
import { completeTokenUsage } from './token-usage.js';

describe('completeTokenUsage', () => {
  it('makes the total input + output, taking a missing side from the total or as 0', () => {
    // An embeddings call reports input tokens only: it produced none.
    expect(completeTokenUsage({ input_tokens: 12 })).toEqual({ input_tokens: 12, output_tokens: 0, total_tokens: 12 });
    expect(completeTokenUsage({ input_tokens: 12, total_tokens: 15 })).toEqual({ input_tokens: 12, output_tokens: 3, total_tokens: 15 });
    expect(completeTokenUsage({ output_tokens: 4, total_tokens: 10 })).toEqual({ input_tokens: 6, output_tokens: 4, total_tokens: 10 });
    expect(completeTokenUsage({ output_tokens: 4 })).toEqual({ input_tokens: 0, output_tokens: 4, total_tokens: 4 });
    // A total that disagrees with its parts gives way to them, so every sum stays input + output.
    expect(completeTokenUsage({ input_tokens: 10, output_tokens: 5, total_tokens: 99 })).toEqual({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
    expect(completeTokenUsage({ input_tokens: 10, total_tokens: 4 })).toEqual({ input_tokens: 10, output_tokens: 0, total_tokens: 10 });
  });

  it('keeps a bare total and the cache counts, reads numeric text, drops what is not a count', () => {
    expect(completeTokenUsage({ total_tokens: 7 })).toEqual({ total_tokens: 7 });
    expect(completeTokenUsage({ input_tokens: '8', output_tokens: 2, cache_read_input_tokens: 3, cache_creation_input_tokens: 1 })).toEqual({
      input_tokens: 8,
      output_tokens: 2,
      total_tokens: 10,
      cache_read_input_tokens: 3,
      cache_creation_input_tokens: 1,
    });
    expect(completeTokenUsage({ input_tokens: -1, output_tokens: 'many' })).toBeUndefined();
    expect(completeTokenUsage({})).toBeUndefined();
    expect(completeTokenUsage(undefined)).toBeUndefined();
  });
});
