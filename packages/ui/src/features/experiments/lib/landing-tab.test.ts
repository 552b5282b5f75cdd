import { describe, expect, it } from 'vitest';
import { experimentKindOf, landingTab } from './landing-tab';

const kindTag = (value: string) => [
  { key: 'team', value: 'x' },
  { key: 'mlflow.experimentKind', value },
];

describe('experimentKindOf', () => {
  it("reads MLflow's kinds, inferred ones included, and ignores undecided or unknown values", () => {
    expect(experimentKindOf(kindTag('genai_development'))).toBe('genai');
    expect(experimentKindOf(kindTag('genai_development_inferred'))).toBe('genai');
    expect(experimentKindOf(kindTag('custom_model_development'))).toBe('ml');
    expect(experimentKindOf(kindTag('forecasting'))).toBe('ml');
    expect(experimentKindOf(kindTag('no_inferred_type'))).toBeUndefined();
    expect(experimentKindOf(kindTag(''))).toBeUndefined();
    expect(experimentKindOf(kindTag('GENAI_DEVELOPMENT'))).toBeUndefined();
    expect(experimentKindOf([{ key: 'team', value: 'x' }])).toBeUndefined();
    expect(experimentKindOf(undefined)).toBeUndefined();
  });
});

describe('landingTab', () => {
  it('follows the data when no kind is set: traces to the overview, runs alone to Runs, nothing to none', () => {
    expect(landingTab({ kind: undefined, hasTraces: false, hasRuns: true })).toBe('runs');
    expect(landingTab({ kind: undefined, hasTraces: true, hasRuns: false })).toBe('overview');
    expect(landingTab({ kind: undefined, hasTraces: true, hasRuns: true })).toBe('overview');
    expect(landingTab({ kind: undefined, hasTraces: false, hasRuns: false })).toBeNull();
  });

  it('lets the kind tag decide: ML on Runs whatever it holds, GenAI on the overview or, before any trace, Traces', () => {
    expect(landingTab({ kind: 'ml', hasTraces: true, hasRuns: false })).toBe('runs');
    expect(landingTab({ kind: 'ml', hasTraces: false, hasRuns: false })).toBe('runs');
    expect(landingTab({ kind: 'genai', hasTraces: true, hasRuns: true })).toBe('overview');
    expect(landingTab({ kind: 'genai', hasTraces: false, hasRuns: true })).toBe('traces');
  });
});
