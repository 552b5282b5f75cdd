import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RestClient } from '../client/rest-client.js';
import { createHttpTransport, type Transport } from '../client/transport.js';
import type { LoupeConfig } from '../config/config.js';
import { ExportQueue } from '../export/export-queue.js';
import { LoupeSpanProcessor } from '../export/loupe-span-processor.js';
import { LoupeTraceSink, type ExportItem } from '../export/loupe-trace-sink.js';
import { PriceCatalog } from '@loupe/protocol/pricing';
import { OtlpSpanSender } from '../export/otlp-sender.js';
import { createRedactor } from '../export/redaction.js';
import { systemScheduler } from '../export/scheduler.js';
import { OtlpEndpointSink, SpanExporterSink } from '../export/span-sinks.js';
import type { TraceRegistry } from '../tracing/trace-registry.js';

/**
 * Loupe's span processor for a configuration: one export queue to the Loupe server, one per
 * dual-export destination, all with the same redaction and tail rules. A bad endpoint URL is
 * reported and skipped, never thrown.
 *
 * @example
 * const processor = createSpanProcessor(config, registry, transport, rest, () => Promise.resolve('1'));
 */
export function createSpanProcessor(
  config: LoupeConfig,
  registry: TraceRegistry,
  transport: Transport,
  rest: RestClient,
  experimentId: () => Promise<string>,
): LoupeSpanProcessor {
  const { diagnostics } = config;
  const scheduler = config.scheduler ?? systemScheduler;
  const redactor = createRedactor(config.redact);
  const sink = new LoupeTraceSink(rest, new OtlpSpanSender(transport, diagnostics, { gzip: config.gzip }), experimentId, redactor, diagnostics);
  const others: ExportQueue<ReadableSpan>[] = [];
  for (const endpoint of config.otlpEndpoints) {
    let url: URL;
    try {
      url = new URL(endpoint.url);
    } catch {
      diagnostics.warn(`otlpEndpoints: '${endpoint.url}' is not a URL; skipped`);
      continue;
    }
    const sender = new OtlpSpanSender(createHttpTransport({ baseUrl: url.origin, timeoutMs: config.requestTimeoutMs }), diagnostics, {
      gzip: config.gzip,
      path: url.pathname + url.search,
      ...(endpoint.headers ? { headers: endpoint.headers } : {}),
    });
    others.push(new ExportQueue<ReadableSpan>(new OtlpEndpointSink(sender, redactor), config.queue, scheduler, diagnostics));
  }
  for (const exporter of config.spanExporters)
    others.push(new ExportQueue<ReadableSpan>(new SpanExporterSink(exporter, redactor), config.queue, scheduler, diagnostics));
  return new LoupeSpanProcessor({
    registry,
    loupe: new ExportQueue<ExportItem>(sink, config.queue, scheduler, diagnostics),
    others,
    ...(config.tail ? { tail: config.tail } : {}),
    maxBufferedSpans: config.queue.maxQueueSize,
    flushTimeoutMs: config.flushTimeoutMs,
    ...(config.pricing !== false ? { pricing: PriceCatalog.withDefaults(config.pricing) } : {}),
    diagnostics,
  });
}
