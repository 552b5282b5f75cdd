import { useCallback, useState } from 'react';
import { normalizeReviewer } from '../lib/label-values';

/** Where the browser keeps the reviewer's name (the trace view's feedback form reads the same key). */
const REVIEWER_KEY = 'loupe.reviewer';

function readReviewer(): string {
  try {
    return normalizeReviewer(localStorage.getItem(REVIEWER_KEY) ?? '');
  } catch {
    return '';
  }
}

/**
 * The reviewer's name, kept in localStorage so it is asked once: the `source_id` of their labels and
 * the `completed_by` of the items they finish (lowercased, as the server keeps user ids).
 *
 * @example
 * const [reviewer, setReviewer] = useReviewer();
 * if (!reviewer) askName();
 */
export function useReviewer(): [string, (name: string) => void] {
  const [reviewer, setState] = useState(readReviewer);
  const setReviewer = useCallback((name: string) => {
    const normalized = normalizeReviewer(name);
    try {
      localStorage.setItem(REVIEWER_KEY, normalized);
    } catch {
      // Private mode: remembered for this page only.
    }
    setState(normalized);
  }, []);
  return [reviewer, setReviewer];
}
