import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * One request the fake collector received.
 *
 * @example
 * decodeOtlpTraces(req.body, String(req.headers['content-type']), req.headers['content-encoding']);
 */
export interface CapturedExport {
  body: Uint8Array;
  headers: IncomingHttpHeaders;
}

type ExporterConfig = NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>;

/**
 * Which official exporter sends the spans, and how.
 *
 * @example
 * const options: OfficialExportOptions = { protocol: 'json', gzip: true };
 */
export interface OfficialExportOptions {
  protocol: 'protobuf' | 'json';
  gzip?: boolean;
  resourceAttributes?: Record<string, string>;
}

async function withCaptureServer<T>(run: (url: string) => Promise<T>): Promise<{ result: T; requests: CapturedExport[] }> {
  const requests: CapturedExport[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ body: new Uint8Array(Buffer.concat(chunks)), headers: req.headers });
      const json = (req.headers['content-type'] ?? '').includes('json');
      // An empty ExportTraceServiceResponse: zero protobuf bytes, or `{}` in OTLP/JSON.
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const result = await run(`http://127.0.0.1:${port}/v1/traces`);
    return { result, requests };
  } finally {
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  }
}

/**
 * Records spans with the real OpenTelemetry SDK, sends them through the official OTLP/HTTP
 * exporter (protobuf or JSON) to a local capture server, and returns what went over the wire.
 *
 * @example
 * const { requests, result: span } = await exportWithOfficialSdk({ protocol: 'protobuf' }, (tracer) => {
 *   const s = tracer.startSpan('op');
 *   s.end();
 *   return s;
 * });
 */
export async function exportWithOfficialSdk<T>(
  options: OfficialExportOptions,
  record: (tracer: Tracer) => T,
): Promise<{ result: T; requests: CapturedExport[] }> {
  return withCaptureServer(async (url) => {
    const config: ExporterConfig = { url, ...(options.gzip ? { compression: 'gzip' as ExporterConfig['compression'] } : {}) };
    const exporter = options.protocol === 'json' ? new HttpJsonExporter(config) : new ProtoExporter(config);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes(options.resourceAttributes ?? {}),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    try {
      const result = record(provider.getTracer('loupe-otlp-test', '1.2.3'));
      await provider.forceFlush();
      return result;
    } finally {
      await provider.shutdown();
    }
  });
}
