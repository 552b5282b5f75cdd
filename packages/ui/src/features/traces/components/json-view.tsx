import { useMemo, useState } from 'react';
import { CopyButton } from '../../../shared/components/copy-button';

/** Past this many characters, a value shows folded until asked for. */
const FOLD_AT = 20_000;

function Highlighted({ text }: { text: string }) {
  // Tokens of pretty-printed JSON: keys, strings, numbers, literals; the rest as is.
  const parts = useMemo(() => {
    const out: { t: string; c: string }[] = [];
    const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
    let last = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index > last) out.push({ t: text.slice(last, m.index), c: '' });
      if (m[1]) {
        out.push({ t: m[1], c: m[2] ? 'text-indigo-700 dark:text-indigo-300' : 'text-emerald-700 dark:text-emerald-400' });
        if (m[2]) out.push({ t: m[2], c: '' });
      } else if (m[3]) out.push({ t: m[3], c: 'text-amber-700 dark:text-amber-400' });
      else out.push({ t: m[0], c: 'text-sky-700 dark:text-sky-400' });
      last = m.index + m[0].length;
    }
    if (last < text.length) out.push({ t: text.slice(last), c: '' });
    return out;
  }, [text]);
  return (
    <>
      {parts.map((p, i) =>
        p.c ? (
          <span key={i} className={p.c}>
            {p.t}
          </span>
        ) : (
          p.t
        ),
      )}
    </>
  );
}

/**
 * A value as pretty, highlighted JSON (strings that hold JSON are shown decoded), with copy; very
 * large values fold until opened.
 *
 * @example
 * <JsonView label="Inputs" value={span.inputs} />
 */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const text = useMemo(() => {
    if (typeof value === 'string') {
      try {
        return JSON.stringify(JSON.parse(value), null, 2);
      } catch {
        return value;
      }
    }
    return value === undefined ? '' : JSON.stringify(value, null, 2);
  }, [value]);
  const [open, setOpen] = useState(text.length <= FOLD_AT);
  if (value === undefined || value === null || text === '') return <p className="text-xs text-zinc-400 italic">None</p>;
  const plain = typeof value === 'string' && text === value;
  return (
    <div className="group relative rounded-md border border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-950" aria-label={label} role="region">
      <div className="absolute top-1 right-1 opacity-0 transition-opacity group-hover:opacity-100 focus-within:opacity-100">
        <CopyButton value={text} label={`Copy ${label.toLowerCase()}`} />
      </div>
      <pre className="max-h-[28rem] overflow-auto p-2.5 font-mono text-xs leading-relaxed break-words whitespace-pre-wrap">
        {open ? plain ? text : <Highlighted text={text} /> : `${text.slice(0, 2000)}…`}
      </pre>
      {!open ? (
        <button
          type="button"
          onClick={() => setOpen(true)}
          className="w-full border-t border-zinc-200 py-1 text-xs text-indigo-600 hover:underline dark:border-zinc-800 dark:text-indigo-400"
        >
          Show all ({Math.round(text.length / 1024)} KB)
        </button>
      ) : null}
    </div>
  );
}
