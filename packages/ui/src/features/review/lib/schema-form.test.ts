import { describe, expect, it } from 'vitest';
import { describeInput, schemaFormState, schemaFromForm } from './schema-form';

describe('schemaFromForm', () => {
  const form = { ...schemaFormState(), name: ' quality ' };

  it('builds each input variant', () => {
    expect(schemaFromForm(form)).toEqual({
      fields: {
        name: 'quality',
        type: 'FEEDBACK',
        input: { pass_fail: { positive_label: 'Pass', negative_label: 'Fail' } },
        instruction: '',
        enable_comment: false,
      },
    });
    expect(schemaFromForm({ ...form, kind: 'numeric', min: '1', max: '' })).toMatchObject({ fields: { input: { numeric: { min_value: 1 } } } });
    expect(schemaFromForm({ ...form, kind: 'categorical', options: 'a\n\n b \nc', multiSelect: true })).toMatchObject({
      fields: { input: { categorical: { options: ['a', 'b', 'c'], multi_select: true } } },
    });
    expect(schemaFromForm({ ...form, kind: 'text', maxLength: '200', type: 'EXPECTATION' })).toMatchObject({
      fields: { type: 'EXPECTATION', input: { text: { max_length: 200 } } },
    });
    expect(schemaFromForm({ ...form, kind: 'text' })).toMatchObject({ fields: { input: { text: {} } } });
  });

  it('says what to fix', () => {
    expect(schemaFromForm({ ...form, name: '' })).toEqual({ error: 'Name the question.' });
    expect(schemaFromForm({ ...form, kind: 'numeric', min: '5', max: '1' })).toEqual({ error: 'The minimum must be less than the maximum.' });
    expect(schemaFromForm({ ...form, kind: 'numeric', min: 'x' })).toEqual({ error: 'Minimum must be a number.' });
    expect(schemaFromForm({ ...form, kind: 'categorical', options: ' \n' })).toEqual({ error: 'Give at least one option, one a line.' });
    expect(schemaFromForm({ ...form, kind: 'text', maxLength: '0' })).toHaveProperty('error');
  });

  it('round-trips a schema through the form', () => {
    const schema = {
      schema_id: 's',
      experiment_id: '1',
      name: 'topic',
      type: 'FEEDBACK' as const,
      enable_comment: true,
      instruction: 'Pick one',
      input: { categorical: { options: ['x', 'y'] } },
      created_at: 0,
      last_updated_at: 0,
    };
    expect(schemaFromForm(schemaFormState(schema))).toEqual({
      fields: {
        name: 'topic',
        type: 'FEEDBACK',
        input: { categorical: { options: ['x', 'y'], multi_select: false } },
        instruction: 'Pick one',
        enable_comment: true,
      },
    });
  });
});

describe('describeInput', () => {
  it('says each variant in a few words', () => {
    expect(describeInput({ pass_fail: { positive_label: 'Yes', negative_label: 'No' } })).toBe('Pass/fail (Yes / No)');
    expect(describeInput({ numeric: { min_value: 1, max_value: 5 } })).toBe('Numeric 1 to 5');
    expect(describeInput({ numeric: {} })).toBe('Numeric');
    expect(describeInput({ categorical: { options: ['a', 'b'], multi_select: true } })).toBe('Multi-select: a, b');
    expect(describeInput({ text: { max_length: 10 } })).toBe('Text, at most 10 characters');
  });
});
