import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS } from '../../../shared/components/text-input';
import { useRegistryMutations } from '../hooks/use-registry-mutations';

/**
 * A registered model's description, edited in place (`registered-models/update`).
 *
 * @example
 * <DescriptionEditor name="fraud-detector" description={model.description} />
 */
export function DescriptionEditor({ name, description }: { name: string; description: string | undefined }) {
  const { updateDescription } = useRegistryMutations(name);
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <section aria-label="Description">
      <div className="mb-1 flex items-center gap-2">
        <h2 className="text-sm font-semibold">Description</h2>
        {draft === null ? (
          <Button size="sm" variant="ghost" aria-label="Edit description" onClick={() => setDraft(description ?? '')}>
            Edit
          </Button>
        ) : null}
      </div>
      {draft === null ? (
        <p className="text-sm whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">{description || <span className="text-zinc-400">No description</span>}</p>
      ) : (
        <form
          className="flex flex-col gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            updateDescription.mutate(draft, { onSuccess: () => setDraft(null) });
          }}
        >
          <textarea
            aria-label="Description text"
            className={`${INPUT_CLASS} h-auto min-h-20 py-1.5`}
            rows={4}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
          <div className="flex gap-2">
            <Button size="sm" variant="primary" type="submit" disabled={updateDescription.isPending}>
              Save description
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setDraft(null);
                updateDescription.reset();
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      )}
      {updateDescription.error ? <ErrorBanner error={updateDescription.error} title="Description not saved" /> : null}
    </section>
  );
}
