import { Button } from './button';

/**
 * The Cancel and submit buttons at the foot of a dialog's form; the submit button is off while the
 * form is not ready (`disabled`) or its write is under way (`pending`, when it says `pendingLabel`).
 *
 * @example
 * <DialogActions onCancel={onClose} submitLabel="Create dataset" pendingLabel="Creating…" pending={create.isPending} disabled={!name.trim()} />
 */
export function DialogActions({
  onCancel,
  submitLabel,
  pendingLabel,
  pending,
  disabled = false,
}: {
  onCancel: () => void;
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  disabled?: boolean;
}) {
  return (
    <div className="flex justify-end gap-2">
      <Button onClick={onCancel}>Cancel</Button>
      <Button variant="primary" type="submit" disabled={disabled || pending}>
        {pending ? pendingLabel : submitLabel}
      </Button>
    </div>
  );
}
