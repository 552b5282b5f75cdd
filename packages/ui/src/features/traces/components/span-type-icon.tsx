/** Colors and short labels of MLflow's span types, shared by the tree, the timeline and the details. */
const TYPES: Record<string, { label: string; bar: string; chip: string }> = {
  AGENT: { label: 'AG', bar: 'bg-violet-500', chip: 'bg-violet-100 text-violet-700 dark:bg-violet-500/20 dark:text-violet-300' },
  CHAIN: { label: 'CH', bar: 'bg-sky-500', chip: 'bg-sky-100 text-sky-700 dark:bg-sky-500/20 dark:text-sky-300' },
  LLM: { label: 'LM', bar: 'bg-amber-500', chip: 'bg-amber-100 text-amber-800 dark:bg-amber-500/20 dark:text-amber-300' },
  CHAT_MODEL: { label: 'AI', bar: 'bg-amber-500', chip: 'bg-amber-100 text-amber-800 dark:bg-amber-500/20 dark:text-amber-300' },
  TOOL: { label: 'TL', bar: 'bg-emerald-500', chip: 'bg-emerald-100 text-emerald-700 dark:bg-emerald-500/20 dark:text-emerald-300' },
  RETRIEVER: { label: 'RT', bar: 'bg-teal-500', chip: 'bg-teal-100 text-teal-700 dark:bg-teal-500/20 dark:text-teal-300' },
  EMBEDDING: { label: 'EM', bar: 'bg-pink-500', chip: 'bg-pink-100 text-pink-700 dark:bg-pink-500/20 dark:text-pink-300' },
  RERANKER: { label: 'RR', bar: 'bg-fuchsia-500', chip: 'bg-fuchsia-100 text-fuchsia-700 dark:bg-fuchsia-500/20 dark:text-fuchsia-300' },
  PARSER: { label: 'PA', bar: 'bg-lime-500', chip: 'bg-lime-100 text-lime-800 dark:bg-lime-500/20 dark:text-lime-300' },
};
const OTHER = { label: '··', bar: 'bg-zinc-400', chip: 'bg-zinc-100 text-zinc-600 dark:bg-zinc-700 dark:text-zinc-300' };

/**
 * The bar color of a span type in the timeline.
 *
 * @example
 * spanTypeBarClass('TOOL'); // 'bg-emerald-500'
 */
export function spanTypeBarClass(type: string): string {
  return (TYPES[type] ?? OTHER).bar;
}

/**
 * A two-letter chip naming a span's type (its full name in the tooltip and for screen readers).
 *
 * @example
 * <SpanTypeIcon type="CHAT_MODEL" />
 */
export function SpanTypeIcon({ type }: { type: string }) {
  const t = TYPES[type] ?? OTHER;
  return (
    <span title={type} className={`inline-flex h-4 w-6 shrink-0 items-center justify-center rounded text-[9px] font-bold tracking-tight ${t.chip}`}>
      <span aria-hidden>{t.label}</span>
      <span className="sr-only">{type}</span>
    </span>
  );
}
