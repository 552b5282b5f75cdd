import { describe, expect, it } from 'vitest';
import { scorerTraits } from './serialized-scorer.js';

const text = (v: unknown) => JSON.stringify(v);

describe('scorerTraits', () => {
  it('reads the model of make_judge judges, built-in judges, memory-augmented and third-party scorers', () => {
    expect(scorerTraits(text({ instructions_judge_pydantic_data: { model: 'gateway:/judge-ep', instructions: '{{ outputs }}' } }))).toEqual({
      model: 'gateway:/judge-ep',
      gatewayEndpoint: 'judge-ep',
      needsExpectations: false,
    });
    expect(
      scorerTraits(text({ builtin_scorer_class: 'Safety', builtin_scorer_pydantic_data: { model: 'openai:/gpt-4o' }, instructions_judge_pydantic_data: null })),
    ).toEqual({
      model: 'openai:/gpt-4o',
      needsExpectations: false,
    });
    expect(
      scorerTraits(text({ memory_augmented_judge_data: { base_judge: { instructions_judge_pydantic_data: { model: 'gateway:/m' } } } })).gatewayEndpoint,
    ).toBe('m');
    expect(scorerTraits(text({ third_party_scorer_data: { model: 'gateway:/t' } })).gatewayEndpoint).toBe('t');
  });

  it('has no model for code scorers, judges on the default model and JSON that is not an object', () => {
    expect(scorerTraits(text({ call_source: 'return True', instructions_judge_pydantic_data: null }))).toEqual({ needsExpectations: false });
    expect(scorerTraits(text({ instructions_judge_pydantic_data: { instructions: 'x' } }))).toEqual({ needsExpectations: false });
    expect(scorerTraits('[1, 2]')).toEqual({ needsExpectations: false });
    // An empty section is skipped, as Python's truthiness skips it.
    expect(scorerTraits(text({ instructions_judge_pydantic_data: {}, builtin_scorer_pydantic_data: { model: 'gateway:/b' } })).gatewayEndpoint).toBe('b');
    expect(scorerTraits(text({ instructions_judge_pydantic_data: { model: 'gateway:/' } })).gatewayEndpoint).toBeUndefined();
  });

  it('sees instructions that need expectations', () => {
    expect(
      scorerTraits(text({ instructions_judge_pydantic_data: { model: 'gateway:/e', instructions: 'Compare {{outputs}} to {{ expectations }}' } }))
        .needsExpectations,
    ).toBe(true);
  });

  it('refuses JSON that does not parse, a model that is not a string and a blank model', () => {
    expect(() => scorerTraits('{')).toThrow(/'serialized_scorer'/);
    expect(() => scorerTraits(text({ instructions_judge_pydantic_data: { model: 5 } }))).toThrow('Scorer model must be a string, got int.');
    expect(() => scorerTraits(text({ builtin_scorer_pydantic_data: { model: '  ' } }))).toThrow('Scorer model cannot be empty or contain only whitespace.');
  });
});
