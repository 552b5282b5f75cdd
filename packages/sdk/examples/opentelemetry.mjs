// Loupe inside your own OpenTelemetry setup: one provider, Loupe's span processor next to your
// exporter, your own instrumentation's spans and Loupe's in one trace.
//   LOUPE_TRACKING_URI=http://127.0.0.1:5000 node packages/sdk/examples/opentelemetry.mjs
import { trace as otelTrace } from '@opentelemetry/api';
import { BatchSpanProcessor, ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { init } from '@loupe/sdk';

const loupe = init({ experimentName: process.env.EXAMPLE_EXPERIMENT ?? 'otel-example', tracerProvider: 'global' });
const provider = new NodeTracerProvider({ spanProcessors: [loupe.spanProcessor, new BatchSpanProcessor(new ConsoleSpanExporter())] });
provider.register();

const classify = loupe.trace((text) => (text.includes('refund') ? 'billing' : 'other'), { name: 'classify', spanType: 'LLM' });
otelTrace.getTracer('my-app').startActiveSpan('POST /tickets', (span) => {
  console.log(classify('I want a refund'));
  span.end();
});
await provider.shutdown();
console.log(`trace ${loupe.getLastActiveTraceId()}`);
