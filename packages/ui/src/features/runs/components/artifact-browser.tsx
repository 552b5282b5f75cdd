import type { FileInfo } from '@loupe/protocol';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { artifactUrl } from '../../../shared/api/http-client';
import { EmptyState, ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { formatBytes } from '../../../shared/lib/format';
import { JsonView } from '../../traces/components/json-view';
import { useArtifactList, useArtifactText } from '../hooks/use-runs';
import { artifactKind } from '../lib/artifact-kind';
import { artifactAncestors, artifactFolder } from '../lib/artifact-paths';

function Folder({
  runId,
  path,
  depth,
  selected,
  onSelect,
  open,
  onToggle,
}: {
  runId: string;
  path: string;
  depth: number;
  selected: string | undefined;
  onSelect: (path: string) => void;
  open: ReadonlySet<string>;
  onToggle: (path: string) => void;
}) {
  const list = useArtifactList(runId, path);
  if (list.isPending)
    return (
      <div style={{ paddingLeft: 8 + depth * 14 }} className="py-1">
        <Spinner label="Loading" />
      </div>
    );
  if (list.error) return <ErrorBanner error={list.error} title="Artifacts could not be listed" />;
  const files = [...(list.data ?? [])].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path));
  return (
    <ul role={depth === 0 ? 'tree' : 'group'} aria-label={depth === 0 ? 'Artifacts' : undefined}>
      {files.map((f) => {
        const name = f.path.split('/').pop();
        const isOpen = open.has(f.path);
        return (
          <li key={f.path} role="treeitem" aria-expanded={f.is_dir ? isOpen : undefined} aria-selected={selected === f.path}>
            <button
              type="button"
              onClick={() => {
                if (f.is_dir) onToggle(f.path);
                else onSelect(f.path);
              }}
              style={{ paddingLeft: 8 + depth * 14 }}
              className={`flex w-full items-center gap-1.5 py-1 pr-2 text-left text-[13px] ${selected === f.path ? 'bg-indigo-50 dark:bg-indigo-500/15' : 'hover:bg-zinc-50 dark:hover:bg-zinc-800/50'}`}
            >
              <span aria-hidden className="w-3 text-zinc-400">
                {f.is_dir ? (isOpen ? '▾' : '▸') : ''}
              </span>
              <svg viewBox="0 0 20 20" fill="currentColor" className={`size-3.5 shrink-0 ${f.is_dir ? 'text-amber-500' : 'text-zinc-400'}`} aria-hidden>
                {f.is_dir ? <path d="M2 5a2 2 0 012-2h4l2 2h6a2 2 0 012 2v8a2 2 0 01-2 2H4a2 2 0 01-2-2z" /> : <path d="M5 2h7l4 4v12H5zM12 2v4h4" />}
              </svg>
              <span className="truncate">{name}</span>
              {!f.is_dir ? <span className="ml-auto shrink-0 text-xs text-zinc-400">{formatBytes(f.file_size)}</span> : null}
            </button>
            {f.is_dir && isOpen ? (
              <Folder runId={runId} path={f.path} depth={depth + 1} selected={selected} onSelect={onSelect} open={open} onToggle={onToggle} />
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function Preview({ runId, file }: { runId: string; file: FileInfo }) {
  const kind = artifactKind(file.path, file.file_size);
  const text = useArtifactText(runId, file.path, kind === 'json' || kind === 'text');
  const url = artifactUrl(runId, file.path);
  return (
    <div className="flex min-h-0 flex-col gap-2">
      <div className="flex items-center gap-2 text-sm">
        <span className="font-mono">{file.path}</span>
        <span className="text-xs text-zinc-400">{formatBytes(file.file_size)}</span>
        <a href={url} download className="ml-auto text-xs text-indigo-600 hover:underline dark:text-indigo-400">
          Download
        </a>
      </div>
      {kind === 'image' ? (
        <img
          src={url}
          alt={file.path}
          className="max-h-[70vh] min-w-24 max-w-full self-start rounded border border-zinc-200 bg-white object-contain dark:border-zinc-700"
        />
      ) : null}
      {kind === 'json' || kind === 'text' ? (
        text.isPending ? (
          <Spinner label="Loading file" />
        ) : text.error ? (
          <ErrorBanner error={text.error} title="File could not be read" />
        ) : kind === 'json' ? (
          <JsonView label="File" value={text.data} />
        ) : (
          <pre
            aria-label="File"
            className="max-h-[70vh] overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs whitespace-pre-wrap dark:border-zinc-800 dark:bg-zinc-950"
          >
            {text.data}
          </pre>
        )
      ) : null}
      {kind === 'none' ? <p className="text-sm text-zinc-500">No preview for this file type. Download it to open it.</p> : null}
    </div>
  );
}

/** The chosen file, found in its folder's listing (the one the tree reads too). */
function SelectedFile({ runId, path }: { runId: string; path: string }) {
  const folder = useArtifactList(runId, artifactFolder(path));
  if (folder.isPending) return <Spinner label="Loading file" />;
  if (folder.error) return <ErrorBanner error={folder.error} title="Artifacts could not be listed" />;
  const file = folder.data?.find((f) => f.path === path && !f.is_dir);
  if (!file) return <p className="text-sm text-zinc-500">{path} is not among this run's artifacts.</p>;
  return <Preview runId={runId} file={file} />;
}

/**
 * A run's artifacts: folders opened as needed on the left, the chosen file previewed on the right
 * (images, JSON, text), with a download link. The chosen file is in the URL (`?artifact=`), so it can
 * be linked to and Back returns to the one before; the folders leading to it open by themselves.
 *
 * @example
 * <ArtifactBrowser runId={run.info.run_id} />
 */
export function ArtifactBrowser({ runId }: { runId: string }) {
  const root = useArtifactList(runId, '');
  const [params, setParams] = useSearchParams();
  const selected = params.get('artifact') || undefined;
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set(artifactAncestors(selected)));
  // A file chosen through the URL (a link, Back, Forward) shows inside its opened folders.
  const [shownPath, setShownPath] = useState(selected);
  if (selected !== shownPath) {
    setShownPath(selected);
    const missing = artifactAncestors(selected).filter((p) => !open.has(p));
    if (missing.length) setOpen(new Set([...open, ...missing]));
  }
  const toggle = (path: string) => setOpen((o) => (o.has(path) ? new Set([...o].filter((p) => p !== path)) : new Set([...o, path])));
  // Each choice is a history entry: Back returns to the file before.
  const select = (path: string) =>
    setParams((p) => {
      p.set('artifact', path);
      return p;
    });
  if (!root.isPending && !root.error && (root.data ?? []).length === 0)
    return <EmptyState title="No artifacts" hint="Log files with mlflow.log_artifact() or log_text()." />;
  return (
    <div className="grid min-h-[24rem] grid-cols-[18rem_minmax(0,1fr)] gap-4">
      <div className="overflow-auto rounded-lg border border-zinc-200 bg-white py-1 dark:border-zinc-800 dark:bg-zinc-900">
        <Folder runId={runId} path="" depth={0} selected={selected} onSelect={select} open={open} onToggle={toggle} />
      </div>
      <div className="min-w-0 rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900">
        {selected ? <SelectedFile runId={runId} path={selected} /> : <p className="text-sm text-zinc-500">Choose a file to preview it.</p>}
      </div>
    </div>
  );
}
