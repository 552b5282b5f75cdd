/** How the artifact browser previews a file. */
export type ArtifactKind = 'image' | 'json' | 'text' | 'none';

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp']);
const TEXT = new Set([
  'txt',
  'log',
  'md',
  'csv',
  'tsv',
  'yaml',
  'yml',
  'py',
  'toml',
  'ini',
  'cfg',
  'html',
  'xml',
  'sh',
  'js',
  'ts',
  'sql',
  'jsonl',
  'mlmodel',
  'mlproject',
  'requirements',
  'lock',
]);
/**
 * Text previews stop here; bigger files are downloaded.
 *
 * @example
 * if (file.file_size > TEXT_PREVIEW_LIMIT) offerDownload();
 */
export const TEXT_PREVIEW_LIMIT = 2 * 1024 * 1024;

/**
 * The preview a file gets, from its name (MLflow's extension-less MLmodel and MLproject are text).
 *
 * @example
 * artifactKind('model/MLmodel'); // 'text'
 * artifactKind('plots/loss.png'); // 'image'
 */
export function artifactKind(path: string, size?: number): ArtifactKind {
  const name = path.split('/').pop()!.toLowerCase();
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1) : name;
  if (IMAGE.has(ext)) return 'image';
  if (size !== undefined && size > TEXT_PREVIEW_LIMIT) return 'none';
  if (ext === 'json') return 'json';
  if (TEXT.has(ext) || name === 'license' || name === 'readme' || name === 'dockerfile') return 'text';
  return 'none';
}
