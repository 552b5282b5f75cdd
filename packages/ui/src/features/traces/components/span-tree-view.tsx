import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { formatDuration } from '../../../shared/lib/format';
import type { SpanTreeState } from '../hooks/use-span-tree';
import { useTreeScroll } from '../hooks/use-tree-scroll';
import { ROOT_ID, type SpanTreeRow } from '../lib/span-tree';
import { TREE_KEYS, treeKeyAction } from '../lib/tree-keys';
import { centredOffset, TREE_ROW_HEIGHT } from '../lib/tree-scroll';
import { SpanTypeIcon, spanTypeBarClass } from './span-type-icon';

/**
 * Row id for aria-activedescendant and tests.
 *
 * @example
 * document.getElementById(spanRowId('8b2f0c1d2e3f4a5b'));
 */
export const spanRowId = (spanId: string) => `span-row-${spanId}`;

function TimelineBar({
  startUs,
  endUs,
  range,
  type,
  error,
}: {
  startUs: number;
  endUs: number | undefined;
  range: { startUs: number; endUs: number };
  type: string;
  error: boolean;
}) {
  const total = range.endUs - range.startUs;
  const left = ((startUs - range.startUs) / total) * 100;
  const width = (((endUs ?? range.endUs) - startUs) / total) * 100;
  return (
    <div className="relative h-full">
      <div
        title={`starts at +${formatDuration((startUs - range.startUs) / 1000)}, ${endUs === undefined ? 'still running' : `takes ${formatDuration((endUs - startUs) / 1000)}`}`}
        className={`absolute top-1/2 h-2.5 -translate-y-1/2 rounded-sm ${error ? 'bg-red-500' : spanTypeBarClass(type)} ${endUs === undefined ? 'animate-pulse opacity-70' : ''}`}
        style={{ left: `${Math.max(0, Math.min(100, left))}%`, width: `max(2px, ${Math.max(0, Math.min(100 - left, width))}%)` }}
      />
    </div>
  );
}

function TimelineHeader({ range }: { range: { startUs: number; endUs: number } }) {
  const total = (range.endUs - range.startUs) / 1000;
  return (
    <div className="relative h-full text-[10px] text-zinc-400">
      {[0, 0.25, 0.5, 0.75, 1].map((f) => (
        <span
          key={f}
          className="absolute top-1/2 -translate-y-1/2 whitespace-nowrap"
          style={{ left: `${f * 100}%`, transform: `translate(${f === 1 ? '-100%' : f === 0 ? '0' : '-50%'}, -50%)` }}
        >
          {f === 0 ? '0' : formatDuration(total * f)}
        </span>
      ))}
    </div>
  );
}

function SpanRow({
  row,
  selected,
  range,
  onSelect,
  onToggle,
}: {
  row: Extract<SpanTreeRow, { kind: 'span' }>;
  selected: boolean;
  range: { startUs: number; endUs: number };
  onSelect: (id: string) => void;
  onToggle: (id: string, expanded: boolean) => void;
}) {
  const s = row.span;
  const durationMs = s.end_time_us !== undefined ? (s.end_time_us - s.start_time_us) / 1000 : undefined;
  const error = s.status === 'ERROR';
  return (
    <div
      id={spanRowId(row.id)}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-selected={selected}
      aria-expanded={row.hasChildren ? row.expanded : undefined}
      aria-label={`${s.name}, ${s.type}, ${durationMs === undefined ? 'running' : formatDuration(durationMs)}${error ? ', error' : ''}`}
      onClick={() => onSelect(row.id)}
      className={`grid h-full cursor-pointer grid-cols-[minmax(0,1fr)_38%] items-center gap-3 border-b border-zinc-100 pr-3 text-[13px] dark:border-zinc-800/70 ${
        selected ? 'bg-indigo-50 dark:bg-indigo-500/15' : 'hover:bg-zinc-50 dark:hover:bg-zinc-800/50'
      }`}
    >
      <div className="flex min-w-0 items-center gap-1.5" style={{ paddingLeft: 8 + row.depth * 14 }}>
        {row.hasChildren ? (
          <button
            type="button"
            tabIndex={-1}
            aria-label={row.expanded ? `Collapse ${s.name}` : `Expand ${s.name}`}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(row.id, !row.expanded);
            }}
            className="flex size-4 shrink-0 items-center justify-center rounded text-zinc-400 hover:bg-zinc-200 hover:text-zinc-700 dark:hover:bg-zinc-700 dark:hover:text-zinc-200"
          >
            <svg viewBox="0 0 20 20" className={`size-3 transition-transform ${row.expanded ? 'rotate-90' : ''}`} fill="currentColor" aria-hidden>
              <path d="M7 4l6 6-6 6z" />
            </svg>
          </button>
        ) : (
          <span className="size-4 shrink-0" />
        )}
        <SpanTypeIcon type={s.type} />
        <span className={`truncate ${error ? 'text-red-600 dark:text-red-400' : ''}`}>{s.name}</span>
        {error ? (
          <span className="shrink-0 text-xs text-red-500" aria-hidden>
            ●
          </span>
        ) : null}
        <span className="ml-auto shrink-0 pl-2 text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
          {durationMs === undefined ? 'running' : formatDuration(durationMs)}
        </span>
      </div>
      <TimelineBar startUs={s.start_time_us} endUs={s.end_time_us} range={range} type={s.type} error={error} />
    </div>
  );
}

/**
 * The span tree and its timeline (waterfall) side by side, one virtualized list, so a 100,000-span
 * trace renders only the rows on screen; children are read as their rows scroll into view. A span
 * selected from outside (a link, a search hit) is centred in the first frame that shows the list and
 * held there while pages settle, until the user scrolls; rows read above what is on screen do not move
 * it (see `useTreeScroll`). Keyboard: arrows move and open/close, Home/End jump.
 *
 * @example
 * <SpanTreeView state={tree} selectedId={spanId} onSelect={select} range={range} />
 */
export function SpanTreeView({
  state,
  selectedId,
  onSelect,
  range,
}: {
  state: SpanTreeState;
  selectedId: string | undefined;
  onSelect: (id: string) => void;
  range: { startUs: number; endUs: number };
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const { rows, loadChildren, setExpanded, tree, failed, retry } = state;
  const selectedIndex = selectedId ? rows.findIndex((r) => r.kind === 'span' && r.id === selectedId) : -1;
  // Measured in a layout effect, before the first paint, so the list's first frame is scrolled where it should be.
  const [viewport, setViewport] = useState<{ width: number; height: number }>();
  useLayoutEffect(() => {
    const el = scroller.current!;
    setViewport({ width: el.clientWidth, height: el.clientHeight });
  }, []);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => TREE_ROW_HEIGHT,
    overscan: 12,
    enabled: viewport !== undefined,
    ...(viewport ? { initialRect: viewport } : {}),
    initialOffset: () => (viewport && selectedIndex >= 0 ? centredOffset(selectedIndex, viewport.height, rows.length) : 0),
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;
  const scrollTo = useCallback((offset: number) => virtualizer.scrollToOffset(offset), [virtualizer]);
  const { release, selectFromTree } = useTreeScroll({ scroller, rows, selectedId, selectedIndex, ready: viewport !== undefined, scrollTo });

  // Children still to read, on screen or close to it: ask for them.
  useEffect(() => {
    for (let i = first; i <= last; i++) {
      const row = rows[i];
      if (row?.kind === 'more') loadChildren(row.parentId, row.gap);
    }
  }, [first, last, rows, loadChildren]);

  const select = (id: string) => {
    selectFromTree(id);
    onSelect(id);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    // Any key may scroll (Page Down, Space): the user takes over.
    release();
    if (!TREE_KEYS.has(e.key)) return;
    e.preventDefault();
    const action = treeKeyAction(rows, selectedIndex, e.key, (id) => {
      const parent = tree.parentOf(id);
      return parent === ROOT_ID ? undefined : parent;
    });
    if (action && 'select' in action) select(action.select);
    else if (action) setExpanded(action.expand, action.open);
  };

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="grid h-7 shrink-0 grid-cols-[minmax(0,1fr)_38%] items-center gap-3 border-b border-zinc-200 pr-3 pl-2 text-[11px] font-medium text-zinc-500 dark:border-zinc-800">
        <span className="uppercase">Span</span>
        <TimelineHeader range={range} />
      </div>
      <div
        ref={scroller}
        role="tree"
        aria-label="Span tree"
        tabIndex={0}
        aria-activedescendant={selectedId && selectedIndex >= 0 ? spanRowId(selectedId) : undefined}
        onKeyDown={onKeyDown}
        onWheel={release}
        onTouchStart={release}
        onPointerDown={release}
        className="min-h-0 flex-1 overflow-auto [overflow-anchor:none] focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500/40 focus-visible:ring-inset"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <div
                key={item.key}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: TREE_ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              >
                {row.kind === 'span' ? (
                  <SpanRow row={row} selected={row.id === selectedId} range={range} onSelect={select} onToggle={setExpanded} />
                ) : failed.has(row.parentId) ? (
                  <div
                    role="alert"
                    className="flex h-full items-center gap-2 border-b border-zinc-100 text-xs text-red-600 dark:border-zinc-800/70 dark:text-red-400"
                    style={{ paddingLeft: 30 + row.depth * 14 }}
                  >
                    These spans could not be loaded.
                    <button
                      type="button"
                      onClick={() => retry(row.parentId, row.gap)}
                      className="rounded px-1.5 py-0.5 font-medium text-indigo-600 hover:bg-indigo-50 dark:text-indigo-400 dark:hover:bg-indigo-500/10"
                    >
                      Retry
                    </button>
                  </div>
                ) : (
                  <div
                    className="flex h-full items-center border-b border-zinc-100 text-xs text-zinc-400 dark:border-zinc-800/70"
                    style={{ paddingLeft: 30 + row.depth * 14 }}
                  >
                    <span className="mr-2 size-3 animate-spin rounded-full border-2 border-zinc-300 border-t-indigo-500 dark:border-zinc-600" aria-hidden />
                    {row.loaded === 0
                      ? 'Loading spans…'
                      : `Loading more spans (${row.loaded.toLocaleString('en-US')}${row.total !== undefined ? ` of ${row.total.toLocaleString('en-US')}` : ''})…`}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
