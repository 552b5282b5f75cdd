import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * One huge trace made by the OpenTelemetry JS SDK, shaped like bench/huge-trace.mjs: a root AGENT span
 * and `spans - 1` descendants, `fanOut` children per span, span i named `<type>-<i>`.
 *
 * @example
 * const spans = hugeTraceSpans(100_000, 100);
 */
export function hugeTraceSpans(spans: number, fanOut: number, startMs = Date.now() - 3_600_000): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('loupe-ui-e2e-huge');
  const types = ['LLM', 'TOOL', 'RETRIEVER', 'CHAT_MODEL', 'PARSER'];
  const root = tracer.startSpan('agent', {
    startTime: startMs,
    attributes: { 'mlflow.spanType': 'AGENT', 'mlflow.spanInputs': JSON.stringify({ question: 'huge' }) },
  });
  const parents = [root];
  for (let i = 1; i < spans; i++) {
    const parent = parents[Math.floor((i - 1) / fanOut)] ?? root;
    const type = types[i % types.length]!;
    const span = tracer.startSpan(
      `${type.toLowerCase()}-${i}`,
      { startTime: startMs + i, attributes: { 'mlflow.spanType': type, 'mlflow.spanInputs': JSON.stringify({ step: i }) } },
      trace.setSpan(context.active(), parent),
    );
    span.end(startMs + i + 1);
    parents.push(span);
  }
  root.end(startMs + spans + 2);
  return exporter.getFinishedSpans();
}
