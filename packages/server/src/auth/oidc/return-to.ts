const BASE = 'http://loupe.invalid';

/**
 * The page to go back to after login, kept only when it is a path on this server: anything else
 * (`https://evil.example`, `//evil.example`, `/\evil.example`, `javascript:...`) becomes `/`, so the
 * login cannot be used as an open redirect.
 *
 * @example
 * safeReturnTo('/experiments/1?tab=traces'); // '/experiments/1?tab=traces'
 * safeReturnTo('//evil.example/x'); // '/'
 */
export function safeReturnTo(target: string | undefined): string {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(target)) return '/';
  try {
    const url = new URL(target, BASE);
    return url.origin === BASE ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}
