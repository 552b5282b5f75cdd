import type { AttributeValue, Attributes } from '@opentelemetry/api';

/** Names of Loupe's built-in redaction rules. */
export type BuiltinRedaction = 'apiKeys' | 'emails' | 'cardNumbers' | 'secretKeys';

/** Where a string being redacted sits: the attribute (or tag) key and, inside JSON, the object key path. */
export interface RedactionContext {
  /** The span attribute, event attribute, trace tag or metadata key. */
  attribute: string;
  /** Object keys from the attribute value down to this string (empty for a plain string value). */
  path: readonly string[];
}

/**
 * One redaction rule: a pattern (every match is replaced, default `[REDACTED]`), or a function that
 * gets every string leaving the process and returns what to send instead.
 *
 * @example
 * const rules: RedactionRule[] = [/acct-\d+/g, { pattern: /\b\d{3}-\d{2}-\d{4}\b/g, replacement: '[SSN]' },
 *   (value, ctx) => (ctx.path.at(-1) === 'address' ? '[ADDRESS]' : value)];
 */
export type RedactionRule = RegExp | { pattern: RegExp; replacement?: string } | ((value: string, context: RedactionContext) => string);

/**
 * The `redact` option: built-in rules (all four by default), your own rules, and the replacement text.
 *
 * @example
 * init({ redact: { builtins: ['apiKeys', 'cardNumbers'], rules: [/internal-[a-z0-9]+/g] } });
 */
export interface RedactOptions {
  /** Built-ins to apply: `true` (default) all, `false` none, or a list. */
  builtins?: boolean | BuiltinRedaction[];
  rules?: RedactionRule[];
  /** What a pattern match becomes (default `[REDACTED]`). */
  replacement?: string;
}

const BUILTIN_PATTERNS: Record<Exclude<BuiltinRedaction, 'secretKeys' | 'cardNumbers'>, RegExp> = {
  // Provider API keys and tokens by their well-known shapes, and bearer credentials.
  apiKeys:
    /\b(?:sk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|hf_[A-Za-z0-9]{30,}|rk_(?:live|test)_[A-Za-z0-9]{16,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})|(?<=\bBearer\s+)[A-Za-z0-9._~+/-]{16,}=*/g,
  emails: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g,
};
/**
 * 13 to 19 digits, optionally grouped by spaces or dashes, starting with 2 to 6 (the payment networks'
 * major industry identifiers: Mastercard, Amex, Diners, JCB, Visa, Discover, UnionPay, Maestro); kept only
 * if the Luhn check passes. Epoch-millisecond timestamps (13 digits starting with 1 until 2286), one in
 * ten of which passes the Luhn check, are left alone.
 */
const CARD_CANDIDATE = /\b[2-6](?:[ -]?\d){12,18}\b/g;
/** Object keys whose whole value is a secret, whatever it looks like. */
const SECRET_KEY =
  /^(?:password|passwd|pwd|secret|client_secret|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|auth[_-]?token|id[_-]?token|authorization|private[_-]?key|x-api-key)$/i;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

type StringRule = (value: string, context: RedactionContext) => string;

/**
 * Removes secrets and personal data from spans and trace info before anything is exported: every
 * string in span attributes (inside JSON values too), event attributes (exception messages and
 * stacks), status messages, trace tags and metadata goes through the rules. Runs on the export
 * worker, never on the caller's path.
 *
 * @example
 * const redactor = createRedactor({ builtins: true });
 * redactor.redactString('mail ann@example.com', 'x'); // 'mail [REDACTED]'
 */
export class Redactor {
  private readonly rules: StringRule[];
  private readonly secretKeys: boolean;

  constructor(options: RedactOptions) {
    const replacement = options.replacement ?? '[REDACTED]';
    const builtins =
      options.builtins === undefined || options.builtins === true
        ? (['apiKeys', 'emails', 'cardNumbers', 'secretKeys'] as BuiltinRedaction[])
        : options.builtins || [];
    this.secretKeys = builtins.includes('secretKeys');
    const rules: StringRule[] = [];
    for (const name of builtins) {
      if (name === 'apiKeys' || name === 'emails') rules.push(patternRule(BUILTIN_PATTERNS[name], replacement));
      if (name === 'cardNumbers') rules.push((v) => (v.length < 13 ? v : v.replace(CARD_CANDIDATE, (m) => (luhn(m.replace(/[ -]/g, '')) ? replacement : m))));
    }
    for (const rule of options.rules ?? []) {
      if (typeof rule === 'function') rules.push(rule);
      else if (rule instanceof RegExp) rules.push(patternRule(rule, replacement));
      else rules.push(patternRule(rule.pattern, rule.replacement ?? replacement));
    }
    this.rules = rules;
  }

  /** Applies every rule to one string. */
  redactString(value: string, attribute: string, path: readonly string[] = []): string {
    if (this.secretKeys && isSecretKey(path.length ? (path[path.length - 1] as string) : attribute)) return '[REDACTED]';
    let out = value;
    for (const rule of this.rules) out = rule(out, { attribute, path });
    return out;
  }

  /** A JSON-able value with every string (and every value under a secret key) redacted. */
  redactValue(value: unknown, attribute: string, path: string[] = []): unknown {
    if (typeof value === 'string') return this.redactString(value, attribute, path);
    if (this.secretKeys && path.length && isSecretKey(path[path.length - 1] as string) && value !== null && value !== undefined) return '[REDACTED]';
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, attribute, path));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactValue(v, attribute, [...path, k]);
      return out;
    }
    return value;
  }

  /**
   * An attribute value as exported: JSON-encoded text (Loupe's own attributes) is decoded, redacted
   * and re-encoded, so rules see real strings and the result stays valid JSON.
   */
  redactAttribute(key: string, value: AttributeValue | undefined): AttributeValue | undefined {
    if (typeof value === 'string') {
      const first = value.charCodeAt(0);
      // '{', '[' or '"': JSON text written by Loupe's span API.
      if (first === 123 || first === 91 || first === 34) {
        try {
          return JSON.stringify(this.redactValue(JSON.parse(value), key));
        } catch {
          // Not JSON after all: redact it as plain text.
        }
      }
      return this.redactString(value, key);
    }
    if (this.secretKeys && isSecretKey(key) && value !== undefined) return '[REDACTED]';
    if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? this.redactString(v, key) : v)) as AttributeValue;
    return value;
  }

  /** Every attribute of a map, redacted. */
  redactAttributes(attributes: Attributes): Attributes {
    const out: Attributes = {};
    for (const key of Object.keys(attributes)) out[key] = this.redactAttribute(key, attributes[key]);
    return out;
  }

  /** A string map (trace tags, metadata), redacted. */
  redactStringMap(values: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) out[k] = this.redactString(v, k);
    return out;
  }
}

function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function patternRule(pattern: RegExp, replacement: string): StringRule {
  // Without the global flag only the first match would go.
  const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
  return (value) => value.replace(global, replacement);
}

/**
 * The redactor for a `redact` option; `false` turns redaction off (returns null).
 *
 * @example
 * createRedactor(false); // null
 */
export function createRedactor(options: RedactOptions | false | undefined): Redactor | null {
  if (options === false) return null;
  return new Redactor(options ?? {});
}
