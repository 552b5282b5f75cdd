import type { IngestSpan } from '../ingest-span.js';

/**
 * A valid {@link IngestSpan} (a root span of one second, no attributes); `overrides` replace fields.
 *
 * @example
 * ingestSpan({ name: 'child', spanId: '0000000000000002', parentSpanId: '0000000000000001' });
 */
export function ingestSpan(overrides: Partial<IngestSpan> = {}): IngestSpan {
  return {
    traceId: 'ab'.repeat(16),
    spanId: '0000000000000001',
    parentSpanId: null,
    name: 'span',
    kind: 'SPAN_KIND_INTERNAL',
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000001000000000',
    attributes: {},
    events: [],
    links: [],
    status: { code: 'STATUS_CODE_UNSET', message: '' },
    traceState: '',
    resourceAttributes: {},
    scope: { name: '', version: '' },
    ...overrides,
  };
}
