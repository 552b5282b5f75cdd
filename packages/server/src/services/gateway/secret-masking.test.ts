import { expect, it } from 'vitest';
import { maskSecretValue, maskSecretValues } from './secret-masking.js';

it("masks as MLflow does: short values wholly, others by their first 3 (GitHub's 4) and last 4 characters", () => {
  expect(maskSecretValue('')).toBe('***');
  expect(maskSecretValue('1234567')).toBe('***');
  expect(maskSecretValue('12345678')).toBe('123...5678');
  expect(maskSecretValue('sk-proj-abcdefghijklmnop1234')).toBe('sk-...1234');
  expect(maskSecretValue('ghp_abcdefghijklmnopqrstuvwxyz9876')).toBe('ghp_...9876');
  expect(maskSecretValues({ aws_access_key_id: 'AKIAEXAMPLE0001234', region_token: 'short' })).toEqual({
    aws_access_key_id: 'AKI...1234',
    region_token: '***',
  });
});
