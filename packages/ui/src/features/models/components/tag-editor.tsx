import type { KeyValue } from '@loupe/protocol';
import { TagListEditor } from '../../../shared/components/tag-list-editor';
import { useRegistryMutations } from '../hooks/use-registry-mutations';

/**
 * A registered model's tags: each removable, and a key and value to add or overwrite one
 * (`registered-models/set-tag`, `delete-tag`).
 *
 * @example
 * <TagEditor name="fraud-detector" tags={model.tags ?? []} />
 */
export function TagEditor({ name, tags }: { name: string; tags: KeyValue[] }) {
  const mutations = useRegistryMutations(name);
  const pairs = tags.map((t) => [t.key, t.value] as const);
  return <TagListEditor tags={pairs} mutations={mutations} submitLabel="Add tag" />;
}
