/**
 * An alias and the version it points at, as a chip.
 *
 * @example
 * <AliasChip alias="champion" version="3" />
 */
export function AliasChip({ alias, version }: { alias: string; version?: string }) {
  return (
    <span className="inline-flex items-center rounded-full border border-indigo-200 bg-indigo-50 px-2 py-0.5 font-mono text-xs text-indigo-700 dark:border-indigo-500/30 dark:bg-indigo-500/10 dark:text-indigo-300">
      @{alias}
      {version ? <span className="ml-1 text-indigo-500/80">→ v{version}</span> : null}
    </span>
  );
}
