import { forwardRef, type InputHTMLAttributes } from 'react';

/**
 * Shared input styling, for inputs, selects and textareas alike.
 *
 * @example
 * <select className={INPUT_CLASS}>...</select>
 */
export const INPUT_CLASS =
  'h-8 rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 placeholder:text-zinc-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500';

/**
 * A text input in the UI's style.
 *
 * @example
 * <TextInput aria-label="Search experiments" value={q} onChange={(e) => setQ(e.target.value)} />
 */
export const TextInput = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function TextInput({ className = '', ...props }, ref) {
  return <input ref={ref} className={`${INPUT_CLASS} ${className}`} {...props} />;
});
