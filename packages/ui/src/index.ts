/**
 * `@loupe/ui`: the web UI served by `loupe server`. The app starts in main.tsx; this entry exports
 * the pure logic the UI is built on (tested without a browser).
 */
export * from './shared/lib/format';
export * from './features/traces/lib/span-tree';
export * from './features/traces/lib/tree-keys';
export * from './features/traces/lib/otel-span';
export * from './features/traces/lib/trace-info';
export * from './features/traces/lib/chat-messages';
export * from './features/traces/lib/partial-json';
export * from './features/traces/lib/preview-text';
export * from './features/traces/lib/retriever-documents';
export * from './features/traces/lib/span-tabs';
export * from './features/traces/lib/trace-column-widths';
export * from './features/traces/lib/trace-filters';
export * from './features/search/lib/filter-autocomplete';
export * from './features/search/lib/search-vocabulary';
export * from './features/overview/lib/metric-series';
export * from './features/runs/lib/run-values';
export * from './features/runs/lib/artifact-kind';
export * from './features/experiments/lib/landing-tab';
export * from './shared/lib/chart-range';
export * from './features/sessions/lib/sessions';
