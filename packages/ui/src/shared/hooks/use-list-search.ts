import { useSearchParams } from 'react-router';
import { usePageToken, type PageTokenPaging } from './use-page-token';

/** A searchable, token-paged list's state: the name filter (`?q=`) and the paging under it. */
export interface ListSearch {
  /** The current filter; empty when none. */
  search: string;
  /** The list's paging; a new filter starts it again from the first page. */
  paging: PageTokenPaging;
  /** Sets the filter (empty clears it) and goes back to the first page. */
  setSearch(value: string): void;
}

/**
 * The name filter of a registry or datasets list, kept in the URL's `?q=` with its page token, so a
 * filtered page can be linked and reloaded.
 *
 * @example
 * const list = useListSearch();
 * const models = useRegisteredModels(list.search, list.paging.pageToken, 25);
 */
export function useListSearch(): ListSearch {
  const [params, setParams] = useSearchParams();
  const paging = usePageToken();
  return {
    search: params.get('q') ?? '',
    paging,
    setSearch: (value) => {
      setParams(value ? { q: value } : {}, { replace: true });
      paging.reset();
    },
  };
}
