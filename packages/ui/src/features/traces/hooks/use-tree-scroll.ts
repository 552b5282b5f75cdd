import { useCallback, useEffect, useLayoutEffect, useRef, type RefObject } from 'react';
import type { SpanTreeRow } from '../lib/span-tree';
import { anchorAt, anchoredOffset, centredOffset, TREE_ROW_HEIGHT, type ScrollAnchor } from '../lib/tree-scroll';

/** What the span tree's view tells {@link useTreeScroll}. */
export interface TreeScrollOptions {
  scroller: RefObject<HTMLElement | null>;
  rows: readonly SpanTreeRow[];
  selectedId: string | undefined;
  selectedIndex: number;
  /** False until the viewport is measured (the list is not laid out before). */
  ready: boolean;
  /** Scrolls the list (through the virtualizer, so it renders the rows of the new offset). */
  scrollTo(offset: number): void;
}

/** What the hook remembers between renders. */
interface ScrollState {
  /** The span held in the middle, and the offset it was last put at (a scroll to anywhere else is someone else's). */
  pinned: string | undefined;
  pinnedAt: number | undefined;
  /** Otherwise, the row held in place. */
  anchor: ScrollAnchor | undefined;
  /** The selection made in the tree itself, which is shown where it is, not centred. */
  own: string | undefined;
  /** The rows on screen, as the last layout had them. */
  shown: readonly SpanTreeRow[];
}

function letGo(s: ScrollState): void {
  s.pinned = undefined;
  s.pinnedAt = undefined;
}

// Checked before each placement too: rows may change before the event of a scroll arrives.
function letGoIfMoved(s: ScrollState, el: HTMLElement): void {
  if (s.pinned && s.pinnedAt !== undefined && Math.abs(el.scrollTop - s.pinnedAt) > 1) letGo(s);
}

/**
 * Keeps the span tree scrolled where the user expects while its rows change under it (pages read above
 * and below, spans opened or closed, the viewport resized as the header above it fills in):
 * - a span selected from outside (a link, a search hit, back and forward) is held in the middle of the
 *   viewport until the user takes over: a wheel, touch, pointer or key on the list, or any scroll this
 *   hook did not make;
 * - otherwise the first span row on screen stays where it is when rows come in above it;
 * - a span selected in the tree (click, arrow keys) is brought into view by the least scrolling.
 *
 * @example
 * const { release, selectFromTree } = useTreeScroll({ scroller, rows, selectedId, selectedIndex, ready, scrollTo });
 */
export function useTreeScroll({ scroller, rows, selectedId, selectedIndex, ready, scrollTo }: TreeScrollOptions) {
  const state = useRef<ScrollState>({ pinned: selectedId, pinnedAt: undefined, anchor: undefined, own: undefined, shown: rows });

  const note = useCallback(() => {
    const el = scroller.current;
    const s = state.current;
    if (!el) return;
    letGoIfMoved(s, el);
    if (!s.pinned) s.anchor = anchorAt(s.shown, el.scrollTop, el.clientHeight);
  }, [scroller]);

  const place = useCallback(() => {
    const el = scroller.current;
    const s = state.current;
    if (!el || !ready) return;
    letGoIfMoved(s, el);
    let target: number | undefined;
    if (s.pinned) {
      const id = s.pinned;
      const index = s.shown.findIndex((r) => r.kind === 'span' && r.id === id);
      if (index >= 0) target = s.pinnedAt = centredOffset(index, el.clientHeight, s.shown.length);
    } else if (s.anchor) {
      target = anchoredOffset(s.shown, s.anchor);
    }
    if (target !== undefined && Math.abs(target - el.scrollTop) >= 1) scrollTo(target);
  }, [scroller, ready, scrollTo]);

  // A selection from outside is held in the middle.
  useLayoutEffect(() => {
    const s = state.current;
    if (!selectedId || selectedId === s.own) return;
    s.pinned = selectedId;
    s.pinnedAt = undefined;
  }, [selectedId]);

  // After every change of the rows: the pinned span back in the middle, or the anchored row back in place.
  useLayoutEffect(() => {
    // Where things stood on the rows shown until now (the user may have scrolled since the last scroll event).
    note();
    state.current.shown = rows;
    place();
    note();
  }, [rows, selectedId, place, note]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => place());
    observer.observe(el);
    el.addEventListener('scroll', note, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', note);
    };
  }, [scroller, place, note]);

  // A span selected in the tree moves into view by the least scrolling.
  useLayoutEffect(() => {
    const el = scroller.current;
    const s = state.current;
    if (!el || selectedIndex < 0 || s.pinned || selectedId !== s.own) return;
    const top = selectedIndex * TREE_ROW_HEIGHT;
    if (top < el.scrollTop) scrollTo(top);
    else if (top + TREE_ROW_HEIGHT > el.scrollTop + el.clientHeight) scrollTo(top + TREE_ROW_HEIGHT - el.clientHeight);
  }, [scroller, selectedIndex, selectedId, scrollTo]);

  return {
    /** The user takes over the scrolling (wheel, touch, pointer, key on the list). */
    release: () => {
      letGo(state.current);
      note();
    },
    /** Marks a selection as made in the tree, so it is not centred. */
    selectFromTree: (id: string) => {
      state.current.own = id;
    },
  };
}
