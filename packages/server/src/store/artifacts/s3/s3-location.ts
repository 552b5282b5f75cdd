/** A bucket and a key prefix: where an `s3://bucket/prefix` URI points. */
export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing `/` (`''`: the whole bucket). */
  prefix: string;
}

/** S3's and Ceph's bucket names: 3 to 63 letters, digits, dots, hyphens and underscores. */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/;

/**
 * Parses `s3://bucket/prefix`, or says why it cannot (a phrase to follow the URI in a message): a
 * missing or malformed bucket, a query string or fragment, an empty, `.` or `..` segment in the
 * prefix. The prefix comes without slashes at either end.
 *
 * @example
 * parseS3Uri('s3://artifacts/loupe/'); // { bucket: 'artifacts', prefix: 'loupe' }
 * parseS3Uri('s3://artifacts/../x'); // "its prefix '../x' has an empty, '.' or '..' segment, ..."
 */
export function parseS3Uri(uri: string): S3Location | string {
  const m = /^s3:\/\/([^/?#]*)([^?#]*)([?#].*)?$/is.exec(uri);
  if (!m) return 'it is not an s3://bucket/prefix URI';
  const [, bucket = '', rawPath = '', extra] = m;
  if (extra) return 'it has a query string or fragment';
  if (!BUCKET_NAME.test(bucket)) return `'${bucket}' is not a bucket name (3 to 63 letters, digits, dots and hyphens)`;
  const segments = rawPath.replace(/^\/+|\/+$/g, '');
  if (segments === '') return { bucket, prefix: '' };
  const parts = segments.split('/');
  // eslint-disable-next-line no-control-regex
  if (parts.some((s) => s === '..' || s === '.' || s === '' || /[\u0000-\u001f\\]/.test(s))) {
    return `its prefix '${segments}' has an empty, '.' or '..' segment, a backslash or a control character`;
  }
  return { bucket, prefix: segments };
}

/**
 * True when the URI has the `s3` scheme (any case, as URI schemes go).
 *
 * @example
 * isS3Uri('s3://bucket'); // true
 */
export function isS3Uri(uri: string): boolean {
  return /^s3:/i.test(uri);
}
