import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';

describe('pricing configuration', () => {
  it('is configured by init({ pricing }) and LOUPE_PRICING (false, or a price file)', () => {
    expect(resolveConfig({}, {}).pricing).toEqual({});
    expect(resolveConfig({ pricing: false }, {}).pricing).toBe(false);
    expect(resolveConfig({}, { LOUPE_PRICING: 'false' }).pricing).toBe(false);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-prices-'));
    const file = path.join(dir, 'prices.json');
    fs.writeFileSync(file, JSON.stringify({ models: { 'house-model': { input: 4, output: 8 } } }));
    expect(resolveConfig({}, { LOUPE_PRICING: file }).pricing).toEqual({ models: { 'house-model': { input: 4, output: 8 } }, replaceDefaults: false });
    const warnings: string[] = [];
    expect(resolveConfig({ diagnostics: { warn: (m) => warnings.push(m) } }, { LOUPE_PRICING: path.join(dir, 'missing.json') }).pricing).toEqual({});
    expect(warnings[0]).toContain('LOUPE_PRICING');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
