// Real OTLP payloads for trace benchmarks: spans made by the OpenTelemetry JS SDK and encoded by the
// official serializers (@opentelemetry/otlp-transformer), exactly what OTLP exporters send.
import { context, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const TYPES = ['LLM', 'TOOL', 'RETRIEVER', 'CHAT_MODEL', 'PARSER'];

/**
 * Finished SDK spans of `traces` traces shaped like an agent call: a root AGENT span with `spansPerTrace - 1`
 * children, MLflow's attributes (type, JSON inputs/outputs, token usage on LLM spans).
 * Calls `onTrace(spans)` with each trace's spans.
 */
export function generateTraces({ traces, spansPerTrace, startMs = Date.now() - traces * 10, onTrace, fanOut = spansPerTrace, seqIds = false }) {
  const exporter = new InMemorySpanExporter();
  // Time-ordered ids start from the start time, so separate calls (warm-up, measured run) never collide.
  let n = Math.floor(startMs) * 1000;
  const idGenerator = seqIds
    ? {
        generateTraceId: () => (++n).toString(16).padStart(32, '0'),
        generateSpanId: () =>
          Math.floor(Math.random() * 2 ** 48)
            .toString(16)
            .padStart(16, '0'),
      }
    : undefined;
  const provider = new BasicTracerProvider({
    ...(idGenerator ? { idGenerator } : {}),
    resource: resourceFromAttributes({ 'service.name': 'bench-agent' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('loupe-bench');
  for (let t = 0; t < traces; t++) {
    const t0 = startMs + t * 10;
    const root = tracer.startSpan('agent', {
      startTime: t0,
      attributes: { 'mlflow.spanType': 'AGENT', 'mlflow.spanInputs': JSON.stringify({ question: `order status for customer ${t}?` }) },
    });
    const parents = [root];
    for (let i = 1; i < spansPerTrace; i++) {
      const parent = parents[Math.floor((i - 1) / fanOut)] ?? root;
      const type = TYPES[i % TYPES.length];
      const attributes = {
        'mlflow.spanType': type,
        'mlflow.spanInputs': JSON.stringify({ messages: [{ role: 'user', content: `step ${i} of trace ${t}: look up the order and answer politely` }] }),
        'mlflow.spanOutputs': JSON.stringify({ content: `result ${i} for trace ${t}`, tokens: i * 7 }),
      };
      if (type === 'LLM') attributes['mlflow.chat.tokenUsage'] = JSON.stringify({ input_tokens: 120 + i, output_tokens: 40 + i, total_tokens: 160 + 2 * i });
      const span = tracer.startSpan(`${type.toLowerCase()}-${i}`, { startTime: t0 + i, attributes }, trace.setSpan(context.active(), parent));
      span.end(t0 + i + 1);
      if (fanOut < spansPerTrace) parents.push(span);
    }
    root.setAttribute('mlflow.spanOutputs', JSON.stringify({ answer: `done ${t}` }));
    root.end(t0 + spansPerTrace + 2);
    onTrace(exporter.getFinishedSpans());
    exporter.reset();
  }
}

/** Protobuf `ExportTraceServiceRequest` bytes for these SDK spans. */
export function encodeProtobuf(spans) {
  return ProtobufTraceSerializer.serializeRequest(spans);
}
