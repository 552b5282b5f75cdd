import { useCallback, useState } from 'react';

const KEY = 'loupe.traceDetailsWidth';
const MIN = 320;
const STEP = 40;

const clamp = (w: number) => Math.round(Math.min(Math.max(w, MIN), Math.max(MIN, window.innerWidth - 420)));

/**
 * The width of the trace view's details pane, remembered across visits (localStorage).
 *
 * @example
 * const [width, setWidth] = useDetailsWidth();
 */
export function useDetailsWidth(): [number, (w: number) => void] {
  const [width, setWidthState] = useState(() => {
    try {
      const saved = Number(localStorage.getItem(KEY));
      if (saved > 0) return clamp(saved);
    } catch {
      // No storage: the default.
    }
    return clamp(window.innerWidth * 0.42);
  });
  const setWidth = useCallback((w: number) => {
    const next = clamp(w);
    setWidthState(next);
    try {
      localStorage.setItem(KEY, String(next));
    } catch {
      // Not remembered in private mode.
    }
  }, []);
  return [width, setWidth];
}

/**
 * The handle between the span tree and the details pane: drag it, or focus it and use the arrow keys
 * (a WAI-ARIA window splitter).
 *
 * @example
 * <SplitHandle width={width} onChange={setWidth} />
 */
export function SplitHandle({ width, onChange }: { width: number; onChange: (w: number) => void }) {
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the details pane"
      aria-valuenow={width}
      aria-valuemin={MIN}
      tabIndex={0}
      onPointerDown={(e) => {
        const startX = e.clientX;
        const startWidth = width;
        const target = e.currentTarget;
        target.setPointerCapture(e.pointerId);
        const move = (ev: PointerEvent) => onChange(startWidth - (ev.clientX - startX));
        const up = () => {
          target.removeEventListener('pointermove', move);
          target.removeEventListener('pointerup', up);
        };
        target.addEventListener('pointermove', move);
        target.addEventListener('pointerup', up);
      }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') onChange(width + STEP);
        else if (e.key === 'ArrowRight') onChange(width - STEP);
        else return;
        e.preventDefault();
      }}
      className="group flex cursor-col-resize items-stretch justify-center border-x border-zinc-200 bg-zinc-50 hover:bg-indigo-50 focus:outline-none focus-visible:bg-indigo-100 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:bg-indigo-500/10"
    >
      <span className="my-auto h-8 w-0.5 rounded bg-zinc-300 group-hover:bg-indigo-400 dark:bg-zinc-600" aria-hidden />
    </div>
  );
}
