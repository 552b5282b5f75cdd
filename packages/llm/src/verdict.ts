/** A JSON schema, as a plain object. */
export type VerdictJsonSchema = Record<string, unknown>;

/** What a read verdict's value may be. */
export type VerdictValue = boolean | number | string;

/**
 * The verdict a judge asks its model for, `{"rationale": "...", "result": ...}`, its JSON schema,
 * and a reader that copes with what models actually send: code fences, text around the object,
 * `"Yes"` for `"yes"`, `true` for `"yes"`, numbers as text. Shared by the SDK's judges and the
 * server's online judges, so both read a model's answer alike.
 */

/** What a judge's `result` may be. */
export type VerdictType =
  /** `'yes'` or `'no'`, MLflow's categorical rating (the built-in judges). */
  | { kind: 'yes_no' }
  | { kind: 'boolean' }
  | { kind: 'number'; min?: number; max?: number }
  /** One of `options` (free text when `options` is empty). */
  | { kind: 'string'; options?: string[] };

/** A read verdict. */
export interface Verdict {
  value: VerdictValue;
  rationale: string;
}

function resultSchema(type: VerdictType): VerdictJsonSchema {
  switch (type.kind) {
    case 'yes_no':
      return { type: 'string', enum: ['yes', 'no'] };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return { type: 'number', ...(type.min !== undefined ? { minimum: type.min } : {}), ...(type.max !== undefined ? { maximum: type.max } : {}) };
    case 'string':
      return type.options?.length ? { type: 'string', enum: type.options } : { type: 'string' };
  }
}

/**
 * The JSON schema of a verdict: rationale first, so a model reasons before it decides.
 *
 * @example
 * verdictSchema({ kind: 'yes_no' }).properties.result; // { type: 'string', enum: ['yes', 'no'] }
 */
export function verdictSchema(type: VerdictType): VerdictJsonSchema & { properties: Record<string, VerdictJsonSchema> } {
  return {
    type: 'object',
    properties: { rationale: { type: 'string', description: 'Step-by-step reasoning that leads to the result.' }, result: resultSchema(type) },
    required: ['rationale', 'result'],
    additionalProperties: false,
  };
}

/**
 * How to answer, in words, appended to every judge's instructions (providers that cannot enforce a
 * schema rely on it).
 *
 * @example
 * verdictInstructions({ kind: 'yes_no' });
 */
export function verdictInstructions(type: VerdictType): string {
  const result =
    type.kind === 'yes_no'
      ? '"yes" or "no"'
      : type.kind === 'boolean'
        ? 'true or false'
        : type.kind === 'number'
          ? `a number${type.min !== undefined && type.max !== undefined ? ` from ${type.min} to ${type.max}` : ''}`
          : type.options?.length
            ? `one of ${type.options.map((o) => JSON.stringify(o)).join(', ')}`
            : 'a short string';
  return `Reply with a single JSON object and nothing else, in this form: {"rationale": "<your reasoning, step by step>", "result": <${result}>}`;
}

/** The first balanced `{...}` in `text` that parses as a JSON object, looking past strings' braces. */
function firstJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        try {
          const parsed = JSON.parse(text.slice(start, i + 1)) as unknown;
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
        } catch {
          // not JSON: try the next '{'
        }
        break;
      }
    }
  }
  return undefined;
}

const YES = new Set(['yes', 'y', 'true', 'pass', 'passed', 'correct', '1']);
const NO = new Set(['no', 'n', 'false', 'fail', 'failed', 'incorrect', '0']);

function readValue(raw: unknown, type: VerdictType): { value: VerdictValue } | { problem: string } {
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  switch (type.kind) {
    case 'yes_no':
    case 'boolean': {
      const yes = raw === true || (text !== undefined && YES.has(text));
      const no = raw === false || (text !== undefined && NO.has(text));
      if (!yes && !no) return { problem: `"result" must be ${type.kind === 'yes_no' ? '"yes" or "no"' : 'true or false'}, got ${JSON.stringify(raw)}` };
      return { value: type.kind === 'yes_no' ? (yes ? 'yes' : 'no') : yes };
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return { problem: `"result" must be a number, got ${JSON.stringify(raw)}` };
      if ((type.min !== undefined && n < type.min) || (type.max !== undefined && n > type.max))
        return { problem: `"result" must be between ${type.min} and ${type.max}, got ${n}` };
      return { value: n };
    }
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
        return { problem: `"result" must be a string, got ${JSON.stringify(raw)}` };
      const s = String(raw).trim();
      if (!type.options?.length) return { value: s };
      const match = type.options.find((o) => o.toLowerCase() === s.toLowerCase());
      return match !== undefined
        ? { value: match }
        : { problem: `"result" must be one of ${type.options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(raw)}` };
    }
  }
}

/**
 * Reads a model's answer as a verdict, or says what is wrong with it.
 *
 * @example
 * parseVerdict('Sure!\n```json\n{"rationale": "It matches.", "result": "Yes"}\n```', { kind: 'yes_no' });
 * // { verdict: { value: 'yes', rationale: 'It matches.' } }
 */
export function parseVerdict(text: string, type: VerdictType): { verdict: Verdict } | { problem: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const object = (fenced ? firstJsonObject(fenced[1]!) : undefined) ?? firstJsonObject(text);
  if (!object) return { problem: 'the answer holds no JSON object' };
  const raw = 'result' in object ? object.result : 'value' in object ? object.value : object.verdict;
  if (raw === undefined) return { problem: 'the JSON object has no "result"' };
  const value = readValue(raw, type);
  if ('problem' in value) return value;
  const rationale = object.rationale ?? object.reasoning ?? object.explanation;
  return { verdict: { value: value.value, rationale: typeof rationale === 'string' ? rationale : rationale === undefined ? '' : JSON.stringify(rationale) } };
}
