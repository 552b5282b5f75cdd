import { useCallback, useSyncExternalStore } from 'react';

/** The two themes. */
export type Theme = 'light' | 'dark';

const KEY = 'loupe.theme';
const listeners = new Set<() => void>();

function current(): Theme {
  return document.documentElement.classList.contains('dark') ? 'dark' : 'light';
}

/**
 * The current theme and a setter; the choice is remembered in localStorage (index.html applies it
 * before the first paint).
 *
 * @example
 * const [theme, setTheme] = useTheme();
 */
export function useTheme(): [Theme, (t: Theme) => void] {
  const theme = useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    current,
    () => 'light' as Theme,
  );
  const setTheme = useCallback((t: Theme) => {
    document.documentElement.classList.toggle('dark', t === 'dark');
    try {
      localStorage.setItem(KEY, t);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    for (const l of listeners) l();
  }, []);
  return [theme, setTheme];
}
