/**
 * `@loupe/ui`: the web UI served by `loupe server`. The app itself starts in main.tsx; this entry
 * exports the pure logic the UI is built on (tested without a browser).
 */
export * from './shared/lib/format';
