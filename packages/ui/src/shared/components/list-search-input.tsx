import type { ListSearch } from '../hooks/use-list-search';
import { TextInput } from './text-input';

/**
 * The "Search by name" box above a list, bound to its `useListSearch` state.
 *
 * @example
 * const list = useListSearch();
 * <ListSearchInput label="Search models" list={list} />
 */
export function ListSearchInput({ label, list }: { label: string; list: ListSearch }) {
  return (
    <TextInput
      type="search"
      placeholder="Search by name"
      aria-label={label}
      value={list.search}
      onChange={(e) => list.setSearch(e.target.value)}
      className="w-64"
    />
  );
}
