import type { LabelSchema, LabelSchemaInput, LabelSchemaType } from '@loupe/protocol';
import type { LabelKind } from './label-values';
import { labelKind } from './label-values';

/** The label-schema form as typed: every variant's fields kept, so switching the kind loses nothing. */
export interface SchemaFormState {
  name: string;
  type: LabelSchemaType;
  kind: LabelKind;
  positiveLabel: string;
  negativeLabel: string;
  min: string;
  max: string;
  /** Categorical options, one a line. */
  options: string;
  multiSelect: boolean;
  maxLength: string;
  instruction: string;
  enableComment: boolean;
}

/**
 * The form's starting state: a schema's values, or a new pass/fail feedback question.
 *
 * @example
 * const [form, setForm] = useState(() => schemaFormState(editing));
 */
export function schemaFormState(schema?: LabelSchema): SchemaFormState {
  const input = schema?.input ?? {};
  return {
    name: schema?.name ?? '',
    type: schema?.type ?? 'FEEDBACK',
    kind: schema ? labelKind(schema) : 'pass_fail',
    positiveLabel: input.pass_fail?.positive_label ?? 'Pass',
    negativeLabel: input.pass_fail?.negative_label ?? 'Fail',
    min: input.numeric?.min_value !== undefined ? String(input.numeric.min_value) : '',
    max: input.numeric?.max_value !== undefined ? String(input.numeric.max_value) : '',
    options: (input.categorical?.options ?? []).join('\n'),
    multiSelect: input.categorical?.multi_select ?? false,
    maxLength: input.text?.max_length !== undefined ? String(input.text.max_length) : '',
    instruction: schema?.instruction ?? '',
    enableComment: schema?.enable_comment ?? false,
  };
}

function optionalNumber(text: string, label: string): number | undefined | string {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : `${label} must be a number.`;
}

/**
 * The schema's fields from the form, or what to fix (the server checks the rest, in MLflow's words).
 *
 * @example
 * schemaFromForm({ ...schemaFormState(), name: 'score', kind: 'numeric', min: '1', max: '5' });
 * // { fields: { name: 'score', type: 'FEEDBACK', input: { numeric: { min_value: 1, max_value: 5 } }, instruction: '', enable_comment: false } }
 */
export function schemaFromForm(
  form: SchemaFormState,
): { fields: { name: string; type: LabelSchemaType; input: LabelSchemaInput; instruction: string; enable_comment: boolean } } | { error: string } {
  const name = form.name.trim();
  if (!name) return { error: 'Name the question.' };
  let input: LabelSchemaInput;
  switch (form.kind) {
    case 'pass_fail':
      input = { pass_fail: { positive_label: form.positiveLabel.trim(), negative_label: form.negativeLabel.trim() } };
      break;
    case 'numeric': {
      const min = optionalNumber(form.min, 'Minimum');
      const max = optionalNumber(form.max, 'Maximum');
      if (typeof min === 'string') return { error: min };
      if (typeof max === 'string') return { error: max };
      if (min !== undefined && max !== undefined && min >= max) return { error: 'The minimum must be less than the maximum.' };
      input = { numeric: { ...(min !== undefined ? { min_value: min } : {}), ...(max !== undefined ? { max_value: max } : {}) } };
      break;
    }
    case 'categorical': {
      const options = form.options
        .split('\n')
        .map((o) => o.trim())
        .filter(Boolean);
      if (options.length === 0) return { error: 'Give at least one option, one a line.' };
      input = { categorical: { options, multi_select: form.multiSelect } };
      break;
    }
    case 'text': {
      const max = optionalNumber(form.maxLength, 'Maximum length');
      if (typeof max === 'string') return { error: max };
      if (max !== undefined && (!Number.isInteger(max) || max < 1)) return { error: 'The maximum length must be a whole number, at least 1.' };
      input = { text: max !== undefined ? { max_length: max } : {} };
      break;
    }
  }
  return { fields: { name, type: form.type, input, instruction: form.instruction.trim(), enable_comment: form.enableComment } };
}

/**
 * A schema's input in a few words, for lists.
 *
 * @example
 * describeInput({ numeric: { min_value: 1, max_value: 5 } }); // 'Numeric 1 to 5'
 */
export function describeInput(input: LabelSchemaInput): string {
  if (input.pass_fail) return `Pass/fail (${input.pass_fail.positive_label} / ${input.pass_fail.negative_label})`;
  if (input.categorical) return `${input.categorical.multi_select ? 'Multi-select' : 'Categorical'}: ${input.categorical.options.join(', ')}`;
  if (input.numeric) {
    const { min_value: min, max_value: max } = input.numeric;
    return min !== undefined && max !== undefined
      ? `Numeric ${min} to ${max}`
      : min !== undefined
        ? `Numeric, at least ${min}`
        : max !== undefined
          ? `Numeric, at most ${max}`
          : 'Numeric';
  }
  return input.text?.max_length !== undefined ? `Text, at most ${input.text.max_length} characters` : 'Text';
}
