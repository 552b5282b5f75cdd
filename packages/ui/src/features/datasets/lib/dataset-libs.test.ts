import type { Assessment, DatasetRecordWire } from '@loupe/protocol';
import { describe, expect, it } from 'vitest';
import { compactJson, datasetNameClause, datasetTags, parseRecords, parseTagLines, recordCount, summarizeDataset, userTags } from './dataset-wire';
import { buildRecordDraft, formValuesOf, readJsonField } from './record-draft';
import { expectationValue, traceExpectations, traceToRecord, upsertSummary } from './trace-record';

const expectation = (name: string, value: unknown, extra: Partial<Assessment> = {}): Assessment => ({
  assessment_id: `a-${name}`,
  assessment_name: name,
  trace_id: 'tr-1',
  source: { source_type: 'HUMAN', source_id: 'alice' },
  create_time: '2026-01-01T00:00:00Z',
  last_update_time: '2026-01-01T00:00:00Z',
  expectation: { value },
  valid: true,
  ...extra,
});

const stored: DatasetRecordWire = {
  dataset_record_id: 'dr-1',
  dataset_id: 'd-1',
  inputs: { q: '2+2?' },
  outputs: { answer: '5' },
  expectations: { answer: '4' },
  tags: { reviewed: 'no' },
  created_time: 1,
  last_update_time: 2,
};

describe('dataset wire', () => {
  it('reads the JSON-string fields of a dataset', () => {
    const d = summarizeDataset({
      dataset_id: 'd-1',
      name: 'qa',
      tags: '{"team": "search", "mlflow.user": "alice", "n": 3, "off": null}',
      profile: '{"num_records": 12}',
      digest: 'abc',
      created_time: 1,
      last_update_time: 2,
      created_by: 'alice',
      experiment_ids: ['7'],
    });
    expect(d).toEqual({
      id: 'd-1',
      name: 'qa',
      tags: { team: 'search', 'mlflow.user': 'alice', n: '3' },
      recordCount: 12,
      digest: 'abc',
      createdTime: 1,
      lastUpdateTime: 2,
      createdBy: 'alice',
      experimentIds: ['7'],
    });
    expect(userTags(d.tags)).toEqual([
      ['n', '3'],
      ['team', 'search'],
    ]);
  });

  it('treats missing or unreadable tags and profiles as none', () => {
    expect(datasetTags(undefined)).toEqual({});
    expect(datasetTags('not json')).toEqual({});
    expect(datasetTags('[1]')).toEqual({});
    expect(recordCount(undefined)).toBeUndefined();
    expect(recordCount('{"num_records": "x"}')).toBeUndefined();
    expect(summarizeDataset({ dataset_id: 'd', name: 'n', created_time: 1, last_update_time: 1 }).experimentIds).toEqual([]);
  });

  it('parses the records JSON list and refuses anything else', () => {
    expect(parseRecords(undefined)).toEqual([]);
    expect(parseRecords(JSON.stringify([stored]))).toEqual([stored]);
    expect(() => parseRecords('{"a": 1}')).toThrow(/not a JSON list/);
  });

  it('builds the name search clause with quotes escaped', () => {
    expect(datasetNameClause('  ')).toBeUndefined();
    expect(datasetNameClause("bob's")).toBe("name ILIKE '%bob\\'s%'");
  });

  it('reads tags typed as key=value lines', () => {
    expect(parseTagLines('team=search\n\n env = prod \nurl=a=b')).toEqual({ tags: { team: 'search', env: 'prod', url: 'a=b' } });
    expect(parseTagLines('ok=1\noops')).toEqual({ error: 'Line 2: write a tag as key=value.' });
    expect(parseTagLines('=x')).toEqual({ error: 'Line 1: the tag key is empty.' });
  });

  it('shows JSON compactly', () => {
    expect(compactJson({ q: 'x' })).toBe('{"q":"x"}');
    expect(compactJson('plain')).toBe('plain');
    expect(compactJson(undefined)).toBe('');
  });
});

describe('record draft', () => {
  it('needs inputs as a non-empty JSON object, with a message per field', () => {
    expect(buildRecordDraft({ inputs: '', expectations: '', outputs: '', tags: '' })).toEqual({
      ok: false,
      errors: { inputs: 'Inputs are required: a JSON object like {"question": "…"}.' },
    });
    expect(buildRecordDraft({ inputs: '{}', expectations: '', outputs: '', tags: '' })).toEqual({
      ok: false,
      errors: { inputs: 'Inputs need at least one key.' },
    });
    const bad = buildRecordDraft({ inputs: '["q"]', expectations: '{"a": ', outputs: '{x}', tags: '"t"' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.inputs).toBe('Inputs must be a JSON object like {"question": "…"}, not a list.');
    expect(bad.errors.expectations).toMatch(/^Expectations is not valid JSON: /);
    expect(bad.errors.outputs).toMatch(/^Outputs is not valid JSON: /);
    expect(bad.errors.tags).toBe('Tags must be a JSON object like {"question": "…"}, not a string.');
    expect(readJsonField('expectations', 'null', 'object')).toEqual({ error: 'Expectations must be a JSON object like {"question": "…"}, not null.' });
  });

  it('makes a HUMAN record of the form', () => {
    expect(buildRecordDraft({ inputs: '{"q": "2+2?"}', expectations: '{"answer": "4"}', outputs: '"4"', tags: '' })).toEqual({
      ok: true,
      record: { inputs: { q: '2+2?' }, outputs: '4', expectations: { answer: '4' }, source: { source_type: 'HUMAN', source_data: {} } },
    });
  });

  it('edits keep the stored inputs and send outputs only when changed', () => {
    const values = formValuesOf(stored);
    expect(values.inputs).toBe('{\n  "q": "2+2?"\n}');
    const unchanged = buildRecordDraft({ ...values, inputs: 'ignored', expectations: '{"answer": "four"}' }, stored);
    expect(unchanged).toEqual({ ok: true, record: { inputs: { q: '2+2?' }, expectations: { answer: 'four' }, tags: { reviewed: 'no' } } });
    expect(buildRecordDraft({ ...values, outputs: '' }, stored)).toMatchObject({ ok: true, record: { outputs: null } });
    expect(buildRecordDraft({ ...values, outputs: '"4"' }, stored)).toMatchObject({ ok: true, record: { outputs: '4' } });
    expect(formValuesOf({ ...stored, outputs: {}, expectations: {} })).toMatchObject({ outputs: '', expectations: '' });
  });
});

describe('trace record', () => {
  it('takes valid expectations by name, values or serialized values', () => {
    expect(
      traceExpectations([
        expectation('answer', 'Paris'),
        expectation('old', 'x', { valid: false }),
        { ...expectation('facts', undefined), expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '["a","b"]' } } },
        { ...expectation('score', undefined), expectation: undefined, feedback: { value: 1 } },
      ]),
    ).toEqual({ answer: 'Paris', facts: ['a', 'b'] });
    expect(expectationValue({ ...expectation('x', undefined), expectation: { serialized_value: { serialization_format: 'X', value: 'raw' } } })).toBe('raw');
    expect(traceExpectations(undefined)).toEqual({});
  });

  it('makes a TRACE record of the root span and expectations, as merge_records does', () => {
    expect(traceToRecord({ traceId: 'tr-1', root: { inputs: { q: 'Capital?' }, outputs: 'Paris' }, assessments: [expectation('answer', 'Paris')] })).toEqual({
      traceId: 'tr-1',
      record: {
        inputs: { q: 'Capital?' },
        outputs: 'Paris',
        expectations: { answer: 'Paris' },
        source: { source_type: 'TRACE', source_data: { trace_id: 'tr-1' } },
      },
    });
    const noOutputs = traceToRecord({ traceId: 'tr-2', root: { inputs: { q: 1 }, outputs: undefined } });
    expect('record' in noOutputs && 'outputs' in noOutputs.record).toBe(false);
  });

  it('skips traces without a root span or object inputs', () => {
    expect(traceToRecord({ traceId: 'tr-1' })).toEqual({ traceId: 'tr-1', skipped: 'its root span has not arrived' });
    for (const inputs of ['hello', [1], {}, null, undefined]) {
      expect(traceToRecord({ traceId: 't', root: { inputs, outputs: 1 } })).toMatchObject({ skipped: expect.stringContaining('not a JSON object') });
    }
  });

  it('says what an upsert did', () => {
    expect(upsertSummary({ inserted_count: 3, updated_count: 1 })).toBe('3 added, 1 updated');
    expect(upsertSummary({})).toBe('0 added, 0 updated');
  });
});
