import { NavLink } from 'react-router';

/** One tab: its label and the route it opens. */
export interface TabLink {
  label: string;
  to: string;
  /** Only an exact match marks it active (for index-like tabs). */
  end?: boolean;
}

/**
 * Tabs that are links, so every tab has its own URL.
 *
 * @example
 * <TabLinks label="Experiment" tabs={[{ label: 'Traces', to: 'traces' }]} />
 */
export function TabLinks({ tabs, label }: { tabs: TabLink[]; label: string }) {
  return (
    <nav aria-label={label} className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((t) => (
        <NavLink
          key={t.to}
          to={t.to}
          end={t.end ?? false}
          className={({ isActive }) =>
            `-mb-px border-b-2 px-3 py-2 text-sm font-medium transition-colors ${
              isActive
                ? 'border-indigo-500 text-indigo-600 dark:text-indigo-400'
                : 'border-transparent text-zinc-500 hover:border-zinc-300 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200'
            }`
          }
        >
          {t.label}
        </NavLink>
      ))}
    </nav>
  );
}

/**
 * Tabs inside a page (not routes): a tablist of buttons.
 *
 * @example
 * <ButtonTabs label="Span" value={tab} onChange={setTab} tabs={[{ id: 'io', label: 'Inputs / Outputs' }]} />
 */
export function ButtonTabs<T extends string>({
  tabs,
  value,
  onChange,
  label,
}: {
  tabs: { id: T; label: string }[];
  value: T;
  onChange: (id: T) => void;
  label: string;
}) {
  return (
    <div role="tablist" aria-label={label} className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((t) => (
        <button
          key={t.id}
          role="tab"
          type="button"
          aria-selected={t.id === value}
          onClick={() => onChange(t.id)}
          className={`-mb-px border-b-2 px-2.5 py-1.5 text-xs font-medium transition-colors ${
            t.id === value
              ? 'border-indigo-500 text-indigo-600 dark:text-indigo-400'
              : 'border-transparent text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200'
          }`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
