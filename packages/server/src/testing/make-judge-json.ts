/**
 * `make_judge(name=..., instructions=..., model=...)` as MLflow 3.11's Python client serializes it for
 * `scorers/register` (`json.dumps` of the scorer's `model_dump()`): what tests register as a judge.
 * `extra` joins the judge's pydantic data (`feedback_value_type`, ...).
 *
 * @example
 * makeJudgeJson('polite', 'Is {{ outputs }} polite?', 'gateway:/judge-ep');
 */
export function makeJudgeJson(name: string, instructions: string, model: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name,
    description: null,
    aggregations: [],
    is_session_level_scorer: false,
    mlflow_version: '3.11.0',
    serialization_version: 1,
    builtin_scorer_class: null,
    builtin_scorer_pydantic_data: null,
    call_source: null,
    call_signature: null,
    original_func_name: null,
    instructions_judge_pydantic_data: { instructions, model, ...extra },
  });
}
