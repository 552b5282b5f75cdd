import type { FrameOptions } from './security-middleware.js';

const FRAME_ANCESTORS: Readonly<Record<FrameOptions, string | null>> = { SAMEORIGIN: "'self'", DENY: "'none'", NONE: null };

/**
 * The Content-Security-Policy of the web UI's pages: scripts, styles, fonts and API calls only from the
 * server itself and no inline script (the built UI has none: its theme script is a file), so text
 * that slipped into the page could not run; `frame-ancestors` as `--x-frame-options` says. Images may
 * also be `data:` and `blob:` URLs (artifact previews, icons in CSS).
 *
 * @example
 * uiContentSecurityPolicy('SAMEORIGIN'); // "default-src 'self'; script-src 'self'; ...; frame-ancestors 'self'"
 */
export function uiContentSecurityPolicy(frameOptions: FrameOptions): string {
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ];
  const ancestors = FRAME_ANCESTORS[frameOptions];
  if (ancestors) directives.push(`frame-ancestors ${ancestors}`);
  return directives.join('; ');
}

/**
 * The Content-Security-Policy of a downloaded file (artifacts, trace data): nothing it contains may
 * load or run, should a browser ever render it instead of saving it (it is also an attachment, `nosniff`).
 *
 * @example
 * headers['content-security-policy'] = DOWNLOAD_CONTENT_SECURITY_POLICY;
 */
export const DOWNLOAD_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox";
