import { useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { INPUT_CLASS } from '../../../shared/components/text-input';
import { applySuggestion, completeFilter, type FilterField, type Suggestion } from '../lib/filter-autocomplete';

function SuggestionList({
  id,
  label,
  suggestions,
  active,
  onPick,
  onHover,
}: {
  id: string;
  label: string;
  suggestions: Suggestion[];
  active: number;
  onPick: (i: number) => void;
  onHover: (i: number) => void;
}) {
  if (!suggestions.length) return null;
  return (
    <ul
      id={id}
      role="listbox"
      aria-label={label}
      className="absolute z-20 mt-1 max-h-72 w-full min-w-80 overflow-auto rounded-md border border-zinc-200 bg-white py-1 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
    >
      {suggestions.map((s, i) => (
        <li
          key={`${s.kind}-${s.insert}`}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          onMouseDown={(e) => {
            // Keep the focus in the input.
            e.preventDefault();
            onPick(i);
          }}
          onMouseEnter={() => onHover(i)}
          className={`flex cursor-pointer items-center justify-between gap-4 px-3 py-1 font-mono text-[13px] ${i === active ? 'bg-indigo-50 text-indigo-900 dark:bg-indigo-500/15 dark:text-indigo-100' : ''}`}
        >
          <span className="truncate">{s.label}</span>
          <span className="shrink-0 font-sans text-xs text-zinc-400">{s.detail ?? s.kind}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * A search-grammar filter box with autocompletion (keys, comparators, values, AND) as an ARIA
 * combobox. The filter is checked as it is typed (`validate`, the protocol's own parser), applied on
 * Enter.
 *
 * @example
 * <FilterInput label="Filter traces" value={filter} fields={fields} validate={checkTraceFilter} onApply={setFilter} />
 */
export function FilterInput({
  value,
  onApply,
  fields,
  label,
  placeholder,
  validate,
  onFocus,
}: {
  value: string;
  onApply: (filter: string) => void;
  fields: readonly FilterField[];
  label: string;
  placeholder?: string;
  /** Returns an error message for an invalid filter, or null. */
  validate: (filter: string) => string | null;
  /** Called when the box takes the focus (to load what its suggestions need). */
  onFocus?: () => void;
}) {
  const [draft, setDraft] = useState(value);
  const [cursor, setCursor] = useState(0);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  // Enter takes the highlighted suggestion only once the user moved through the list; otherwise it applies the filter.
  const [navigated, setNavigated] = useState(false);
  const [lastValue, setLastValue] = useState(value);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  if (value !== lastValue) {
    // The applied filter changed elsewhere (a quick filter, the URL): show it.
    setLastValue(value);
    setDraft(value);
  }
  const completion = useMemo(() => completeFilter(draft, cursor, fields), [draft, cursor, fields]);
  const suggestions = open ? completion.suggestions : [];
  const error = draft.trim() ? validate(draft) : null;
  // A filter half typed is not an error yet: say so once the user tries to apply it.
  const [triedApply, setTriedApply] = useState(false);
  const showError = triedApply && error;

  // Where the caret goes once an accepted suggestion is rendered (before any further key press).
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (pendingCaret.current === null) return;
    input.current?.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  }, [draft]);
  const accept = (i: number) => {
    const s = suggestions[i];
    if (!s) return;
    const next = applySuggestion(draft, completion, s);
    pendingCaret.current = next.cursor;
    setDraft(next.text);
    setCursor(next.cursor);
    setActive(0);
    setNavigated(false);
  };
  const apply = () => {
    setOpen(false);
    setTriedApply(true);
    if (!error) onApply(draft.trim());
  };

  return (
    <div className="relative min-w-0 flex-1">
      <div className="relative">
        <svg viewBox="0 0 20 20" fill="currentColor" className="pointer-events-none absolute top-2 left-2 size-4 text-zinc-400" aria-hidden>
          <path d="M3 4h14l-5.5 6.5V16l-3 1.5v-7z" />
        </svg>
        <input
          ref={input}
          role="combobox"
          aria-label={label}
          aria-expanded={suggestions.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-invalid={showError ? true : undefined}
          aria-activedescendant={suggestions.length ? `${listId}-${active}` : undefined}
          spellCheck={false}
          autoComplete="off"
          placeholder={placeholder}
          value={draft}
          className={`${INPUT_CLASS} w-full pl-8 font-mono text-[13px] ${showError ? 'border-red-400 focus:border-red-500 focus:ring-red-500/30' : ''}`}
          onChange={(e) => {
            setDraft(e.target.value);
            setCursor(e.target.selectionStart ?? e.target.value.length);
            setOpen(true);
            setActive(0);
            setNavigated(false);
            setTriedApply(false);
          }}
          onSelect={(e) => setCursor(e.currentTarget.selectionStart ?? 0)}
          onFocus={() => {
            setOpen(true);
            onFocus?.();
          }}
          onBlur={() => setTimeout(() => setOpen(false), 120)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && suggestions.length) {
              e.preventDefault();
              setNavigated(true);
              setActive((a) => (a + 1) % suggestions.length);
            } else if (e.key === 'ArrowUp' && suggestions.length) {
              e.preventDefault();
              setNavigated(true);
              setActive((a) => (a - 1 + suggestions.length) % suggestions.length);
            } else if (e.key === 'Tab' && suggestions.length && !e.shiftKey) {
              e.preventDefault();
              accept(active);
            } else if (e.key === 'Enter') {
              e.preventDefault();
              if (suggestions.length && navigated) accept(active);
              else apply();
            } else if (e.key === 'Escape') {
              setOpen(false);
            }
          }}
        />
      </div>
      <SuggestionList id={listId} label={`${label} suggestions`} suggestions={suggestions} active={active} onPick={accept} onHover={setActive} />
      {showError ? (
        <p role="alert" className="mt-1 text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}
