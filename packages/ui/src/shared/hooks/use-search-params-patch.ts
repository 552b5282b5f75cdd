import { useSearchParams } from 'react-router';

/**
 * A setter for some of the URL's search params at once, the others kept: a non-empty value sets its
 * key, an empty one (`''`, null, undefined) removes it. The history entry is replaced, so filters and
 * view switches do not pile up behind the Back button.
 *
 * @example
 * const patch = useSearchParamsPatch();
 * patch({ scorer: 'correctness', value: 'fail', sort: undefined });
 */
export function useSearchParamsPatch(): (patch: Record<string, string | null | undefined>) => void {
  const [, setParams] = useSearchParams();
  return (patch) =>
    setParams(
      (p) => {
        for (const [k, v] of Object.entries(patch)) {
          if (v) p.set(k, v);
          else p.delete(k);
        }
        return p;
      },
      { replace: true },
    );
}
