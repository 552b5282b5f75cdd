import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/test-kit.js';
import { routeOrder, type EndpointModel, type ResolvedEndpoint } from './routing.js';

const model = (modelName: string, linkage: 'PRIMARY' | 'FALLBACK', weight: number, fallbackOrder?: number): EndpointModel => ({
  provider: 'openai',
  modelName,
  credentials: {},
  linkage,
  weight,
  ...(fallbackOrder !== undefined ? { fallbackOrder } : {}),
});

describe('routeOrder', () => {
  it('splits traffic among PRIMARY models by weight, within statistical bounds', () => {
    const endpoint: ResolvedEndpoint = {
      name: 'e',
      models: [model('a', 'PRIMARY', 1), model('b', 'PRIMARY', 2), model('c', 'PRIMARY', 7), model('f', 'FALLBACK', 5, 1)],
    };
    const random = seededRandom(20261207);
    const n = 20_000;
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const first = routeOrder(endpoint, random)[0]!.modelName;
      counts[first] = (counts[first] ?? 0) + 1;
    }
    expect(counts.f).toBeUndefined();
    for (const [name, share] of [
      ['a', 0.1],
      ['b', 0.2],
      ['c', 0.7],
    ] as const) {
      // Within 4 standard deviations of the binomial expectation.
      const sigma = Math.sqrt(n * share * (1 - share));
      expect(Math.abs((counts[name] ?? 0) - n * share)).toBeLessThan(4 * sigma);
    }
  });

  it('never picks a zero-weight primary while another has weight', () => {
    const endpoint: ResolvedEndpoint = { name: 'e', models: [model('zero', 'PRIMARY', 0), model('one', 'PRIMARY', 1)] };
    for (const r of [0, 0.5, 0.999999]) expect(routeOrder(endpoint, () => r)[0]!.modelName).toBe('one');
  });

  it('puts FALLBACK models after the primary, by fallbackOrder, unordered ones last', () => {
    const endpoint: ResolvedEndpoint = {
      name: 'e',
      models: [model('late', 'FALLBACK', 0), model('second', 'FALLBACK', 0, 2), model('p', 'PRIMARY', 1), model('first', 'FALLBACK', 0, 1)],
    };
    expect(routeOrder(endpoint, () => 0.5).map((m) => m.modelName)).toEqual(['p', 'first', 'second', 'late']);
  });
});
