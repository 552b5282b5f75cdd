import { ApiError } from '@loupe/protocol';

/** The prefix of a judge model served by the AI gateway (`gateway:/<endpoint>`, spec §11.2). */
const GATEWAY_PREFIX = 'gateway:/';

/** What the registry reads from a serialized scorer: its judge model and whether its instructions need expectations. */
export interface ScorerTraits {
  /** The judge's model URI; undefined for scorers without one (code scorers, judges on the default model). */
  model?: string;
  /** The endpoint name when the model is a gateway model. */
  gatewayEndpoint?: string;
  /** The instructions use `{{ expectations }}`, which online traces do not have. */
  needsExpectations: boolean;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python truthiness of a JSON value (MLflow skips empty sections). */
function present(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return !isObject(v) || Object.keys(v).length > 0;
}

function pythonType(v: unknown): string {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return Array.isArray(v) ? 'list' : 'dict';
}

/** The section of a serialized scorer that holds its model, by the layouts MLflow's `Scorer.model_dump()` writes. */
function modelHolder(data: Json): Json | undefined {
  // make_judge judges, then built-in judges (Safety, Guidelines, ...).
  for (const key of ['instructions_judge_pydantic_data', 'builtin_scorer_pydantic_data']) {
    const section = data[key];
    if (present(section)) return isObject(section) ? section : undefined;
  }
  const memory = data.memory_augmented_judge_data;
  if (present(memory)) return isObject(memory) && isObject(memory.base_judge) ? modelHolder(memory.base_judge) : undefined;
  const thirdParty = data.third_party_scorer_data;
  return present(thirdParty) && isObject(thirdParty) ? thirdParty : undefined;
}

/**
 * Reads the judge model out of a serialized scorer (MLflow's JSON: `instructions_judge_pydantic_data.model`
 * for `make_judge`, `builtin_scorer_pydantic_data.model` for built-in judges). The JSON must parse;
 * a model must be a non-blank string (MLflow's registration rules).
 *
 * @example
 * scorerTraits('{"instructions_judge_pydantic_data": {"model": "gateway:/judge-ep", "instructions": "{{ outputs }}"}}');
 * // { model: 'gateway:/judge-ep', gatewayEndpoint: 'judge-ep', needsExpectations: false }
 */
export function scorerTraits(serializedScorer: string): ScorerTraits {
  let data: unknown;
  try {
    data = JSON.parse(serializedScorer);
  } catch (err) {
    throw ApiError.invalid(`Invalid value for parameter 'serialized_scorer': it is not valid JSON (${(err as Error).message}).`);
  }
  if (!isObject(data)) return { needsExpectations: false };
  const holder = modelHolder(data);
  const raw = holder?.model;
  if (raw !== undefined && raw !== null && typeof raw !== 'string') throw ApiError.invalid(`Scorer model must be a string, got ${pythonType(raw)}.`);
  if (typeof raw === 'string' && raw.trim() === '') throw ApiError.invalid('Scorer model cannot be empty or contain only whitespace.');
  const instructions = isObject(data.instructions_judge_pydantic_data) ? data.instructions_judge_pydantic_data.instructions : undefined;
  const traits: ScorerTraits = { needsExpectations: typeof instructions === 'string' && /\{\{\s*expectations\s*\}\}/.test(instructions) };
  if (typeof raw === 'string') {
    traits.model = raw;
    if (raw.startsWith(GATEWAY_PREFIX) && raw.length > GATEWAY_PREFIX.length) traits.gatewayEndpoint = raw.slice(GATEWAY_PREFIX.length);
  }
  return traits;
}

/**
 * MLflow's error for a gateway model whose endpoint does not exist.
 *
 * @example
 * throw endpointNotFound('judge-ep'); // RESOURCE_DOES_NOT_EXIST "GatewayEndpoint not found (name='judge-ep')"
 */
export function endpointNotFound(name: string): ApiError {
  return ApiError.notFound(`GatewayEndpoint not found (name='${name}')`);
}
