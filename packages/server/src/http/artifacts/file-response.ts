import type { ArtifactDownload } from '../../services/artifact-service.js';
import { DOWNLOAD_CONTENT_SECURITY_POLICY } from '../security/content-security-policy.js';

const TEXT = 'text/plain';

/** Extension (or whole file name, for MLflow's extension-less files) to MIME type. */
const MIME_TYPES: Readonly<Record<string, string>> = {
  txt: TEXT,
  log: TEXT,
  text: TEXT,
  mlmodel: TEXT,
  mlproject: TEXT,
  md: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  py: 'text/x-python',
  xml: 'application/xml',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  parquet: 'application/vnd.apache.parquet',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

const UTF8_TYPES = new Set(['application/json', 'application/x-ndjson', 'application/yaml', 'application/xml', 'image/svg+xml']);

/**
 * Guesses a file's MIME type from its name; text types carry `charset=utf-8`. Unknown: octet-stream.
 *
 * @example
 * guessMimeType('metrics.json'); // 'application/json; charset=utf-8'
 * guessMimeType('MLmodel'); // 'text/plain; charset=utf-8'
 * guessMimeType('model.pkl'); // 'application/octet-stream'
 */
export function guessMimeType(fileName: string): string {
  const lower = fileName.toLowerCase();
  const dot = lower.lastIndexOf('.');
  const key = dot > 0 ? lower.slice(dot + 1) : lower;
  const type = MIME_TYPES[key];
  if (!type) return 'application/octet-stream';
  return type.startsWith('text/') || UTF8_TYPES.has(type) ? `${type}; charset=utf-8` : type;
}

/**
 * A `Content-Disposition: attachment` value that is safe for any file name: a quoted ASCII fallback
 * (quotes, backslashes and non-printable or non-ASCII characters replaced by `_`) plus an RFC 5987
 * `filename*` with the exact UTF-8 name when the two differ.
 *
 * @example
 * attachmentDisposition('report.txt'); // 'attachment; filename="report.txt"'
 * attachmentDisposition('résumé "v2".pdf'); // `attachment; filename="r_sum_ _v2_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf`
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const header = `attachment; filename="${fallback}"`;
  if (fallback === fileName) return header;
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${header}; filename*=UTF-8''${encoded}`;
}

/**
 * The streamed response for a download: always an attachment, never sniffed, and under a policy that
 * lets nothing in it load or run, so an artifact can never act as a page on the server's origin.
 *
 * @example
 * return fileResponse(await services.artifacts.openProxied(path));
 */
export function fileResponse(file: ArtifactDownload): Response {
  return new Response(file.stream, {
    status: 200,
    headers: {
      'content-type': guessMimeType(file.fileName),
      'content-length': String(file.size),
      'content-disposition': attachmentDisposition(file.fileName),
      'x-content-type-options': 'nosniff',
      'content-security-policy': DOWNLOAD_CONTENT_SECURITY_POLICY,
    },
  });
}
