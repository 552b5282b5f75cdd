/**
 * One two-span trace written in each `traces.json` dialect (spec §4.6b), for tests: a root `predict`
 * (CHAIN, inputs `{"q": "hi"}`, one event) and a child `llm` (LLM, status ERROR "boom").
 */
export const OTEL_TRACE_HEX = '0af7651916cd43dd8448eb211c80319c';
export const ROOT_HEX = 'b7ad6b7169203331';
export const CHILD_HEX = '00f067aa0ba902b7';
/** Nanosecond times past 2^53, so a lossy parse would show. */
export const T = {
  rootStart: '1749996461282000123',
  rootEnd: '1749996461814000456',
  childStart: '1749996461300000001',
  childEnd: '1749996461700000999',
  event: '1749996461290000777',
};

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** The current Python writer: MLflow trace id, hex span ids, `otel_trace_id`, short status codes, JSON-encoded attributes. */
export const PYTHON_CURRENT = `{"spans": [
 {"trace_id": "tr-${OTEL_TRACE_HEX}", "otel_trace_id": "${OTEL_TRACE_HEX}", "span_id": "${ROOT_HEX}", "parent_span_id": null, "name": "predict",
  "start_time_unix_nano": ${T.rootStart}, "end_time_unix_nano": ${T.rootEnd},
  "events": [{"name": "retry", "time_unix_nano": ${T.event}, "attributes": {"attempt": "1"}}],
  "status": {"code": "OK", "message": ""},
  "attributes": {"mlflow.spanType": "\\"CHAIN\\"", "mlflow.spanInputs": "{\\"q\\": \\"hi\\"}", "mlflow.traceRequestId": "\\"tr-${OTEL_TRACE_HEX}\\""},
  "mlflow.span_dict_version": 4},
 {"trace_id": "tr-${OTEL_TRACE_HEX}", "otel_trace_id": "${OTEL_TRACE_HEX}", "span_id": "${CHILD_HEX}", "parent_span_id": "${ROOT_HEX}", "name": "llm",
  "start_time_unix_nano": ${T.childStart}, "end_time_unix_nano": ${T.childEnd}, "events": [],
  "status": {"code": "ERROR", "message": "boom"}, "attributes": {"mlflow.spanType": "\\"LLM\\""}}
]}`;

/** The TypeScript SDK (and older Python): base64 ids, `STATUS_CODE_*`, decoded attribute values. */
export const TS_SDK = JSON.stringify({
  spans: [
    {
      trace_id: b64(OTEL_TRACE_HEX),
      span_id: b64(ROOT_HEX),
      parent_span_id: '',
      name: 'predict',
      start_time_unix_nano: 'ROOT_START',
      end_time_unix_nano: 'ROOT_END',
      events: [{ name: 'retry', time_unix_nano: 'EVENT', attributes: { attempt: 1 } }],
      status: { code: 'STATUS_CODE_OK', message: '' },
      attributes: { 'mlflow.spanType': 'CHAIN', 'mlflow.spanInputs': { q: 'hi' } },
    },
    {
      trace_id: b64(OTEL_TRACE_HEX),
      span_id: b64(CHILD_HEX),
      parent_span_id: b64(ROOT_HEX),
      name: 'llm',
      start_time_unix_nano: 'CHILD_START',
      end_time_unix_nano: 'CHILD_END',
      events: [],
      status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
      attributes: { 'mlflow.spanType': 'LLM' },
    },
  ],
})
  .replace('"ROOT_START"', T.rootStart)
  .replace('"ROOT_END"', T.rootEnd)
  .replace('"EVENT"', T.event)
  .replace('"CHILD_START"', T.childStart)
  .replace('"CHILD_END"', T.childEnd);

/** MLflow 2.x: `context`, `0x` ids, `parent_id`, `start_time`, `status_code`, events with `timestamp`. */
export const MLFLOW_2 = `{"spans": [
 {"name": "predict", "context": {"span_id": "0x${ROOT_HEX}", "trace_id": "0x${OTEL_TRACE_HEX}"}, "parent_id": null,
  "start_time": ${T.rootStart}, "end_time": ${T.rootEnd}, "status_code": "OK", "status_message": "",
  "attributes": {"mlflow.spanType": "\\"CHAIN\\"", "mlflow.spanInputs": "{\\"q\\": \\"hi\\"}"},
  "events": [{"name": "retry", "timestamp": ${T.event}, "attributes": {"attempt": 1}}]},
 {"name": "llm", "context": {"span_id": "0x${CHILD_HEX}", "trace_id": "0x${OTEL_TRACE_HEX}"}, "parent_id": "0x${ROOT_HEX}",
  "start_time": ${T.childStart}, "end_time": ${T.childEnd}, "status_code": "ERROR", "status_message": "boom",
  "attributes": {"mlflow.spanType": "\\"LLM\\""}, "events": []}
]}`;

/** The three dialects by name. */
export const TRACE_JSON_DIALECTS: Record<string, string> = { 'current Python': PYTHON_CURRENT, 'TypeScript SDK': TS_SDK, 'MLflow 2.x': MLFLOW_2 };
