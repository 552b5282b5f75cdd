import { Button } from './button';
import { Dialog } from './dialog';
import { ErrorBanner } from './feedback-states';

/**
 * "Delete …?": what goes with it (`children`), the deletion's error when it failed, Cancel, and a
 * danger button that runs `onConfirm` (what happens after, such as leaving the page, is the caller's).
 *
 * @example
 * <ConfirmDeleteDialog title="Delete webhook" confirmLabel="Delete webhook" pending={remove.isPending} error={remove.error}
 *   onConfirm={() => remove.mutate(id)} onClose={close}>Delete <b>{name}</b>?</ConfirmDeleteDialog>
 */
export function ConfirmDeleteDialog({
  title,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onClose,
  children,
  pendingLabel = 'Deleting…',
  errorTitle = 'Not deleted',
}: {
  title: string;
  confirmLabel: string;
  /** What the button says while the action runs, and the title of its error (a revocation says so). */
  pendingLabel?: string;
  errorTitle?: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
  children: React.ReactNode;
}) {
  return (
    <Dialog open title={title} onClose={onClose}>
      <div className="flex flex-col gap-3 text-sm">
        <p>{children}</p>
        {error ? <ErrorBanner error={error} title={errorTitle} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" disabled={pending} onClick={onConfirm}>
            {pending ? pendingLabel : confirmLabel}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
