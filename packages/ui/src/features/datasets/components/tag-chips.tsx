/**
 * Tags as small `key: value` chips (none: a dash).
 *
 * @example
 * <TagChips tags={[['team', 'search']]} />
 */
export function TagChips({ tags }: { tags: readonly (readonly [string, string])[] }) {
  if (tags.length === 0) return <span className="text-zinc-400">—</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {tags.map(([k, v]) => (
        <span key={k} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] dark:bg-zinc-800" title={`${k}: ${v}`}>
          {k}: {v.length > 40 ? `${v.slice(0, 39)}…` : v}
        </span>
      ))}
    </span>
  );
}
