/**
 * A thumbs-up (or, flipped, thumbs-down) icon: drawn, so it shows the same with or without an emoji font.
 *
 * @example
 * <ThumbIcon down />
 */
export function ThumbIcon({ down = false, className = 'size-4' }: { down?: boolean; className?: string }) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" className={`${className} ${down ? 'rotate-180' : ''}`} aria-hidden>
      <path d="M2 9.5A1.5 1.5 0 013.5 8h1A1.5 1.5 0 016 9.5v7A1.5 1.5 0 014.5 18h-1A1.5 1.5 0 012 16.5v-7zM7 9.3V16a2 2 0 002 2h5.6a2 2 0 001.96-1.6l1.2-6A2 2 0 0015.8 8H12V4.5A2.5 2.5 0 009.5 2h-.2a.8.8 0 00-.78.62L7.2 8.1a2 2 0 00-.2.9z" />
    </svg>
  );
}
