import type { PromptTemplate } from '../lib/prompt-template';
import { templateDiff, type DiffRow } from '../lib/line-diff';

const ROLE_STYLE: Record<string, string> = {
  system: 'border-amber-200 bg-amber-50 dark:border-amber-500/30 dark:bg-amber-500/10',
  user: 'border-sky-200 bg-sky-50 dark:border-sky-500/30 dark:bg-sky-500/10',
  assistant: 'border-emerald-200 bg-emerald-50 dark:border-emerald-500/30 dark:bg-emerald-500/10',
};
const MESSAGE_STYLE = 'border-zinc-200 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-800/50';

/**
 * A prompt template as it reads: text in a block, chat templates as one card per message with its role.
 *
 * @example
 * <TemplateView template={promptTemplate(version)} />
 */
export function TemplateView({ template }: { template: PromptTemplate }) {
  if (template.kind === 'text') {
    return (
      <pre aria-label="Template" className={`rounded-md border p-3 font-mono text-sm whitespace-pre-wrap ${MESSAGE_STYLE}`}>
        {template.text}
      </pre>
    );
  }
  return (
    <ol aria-label="Template messages" className="flex flex-col gap-2">
      {template.messages.map((m, i) => (
        <li key={i} aria-label={`${m.role} message`} className={`rounded-md border p-3 ${ROLE_STYLE[m.role] ?? MESSAGE_STYLE}`}>
          <div className="mb-1 text-xs font-semibold text-zinc-500 uppercase dark:text-zinc-400">{m.role}</div>
          <div className="font-mono text-sm whitespace-pre-wrap">{m.content}</div>
        </li>
      ))}
    </ol>
  );
}

const CELL: Record<DiffRow['kind'], [string, string]> = {
  same: ['', ''],
  removed: ['bg-red-50 text-red-900 dark:bg-red-500/15 dark:text-red-200', 'bg-zinc-50 dark:bg-zinc-800/40'],
  added: ['bg-zinc-50 dark:bg-zinc-800/40', 'bg-emerald-50 text-emerald-900 dark:bg-emerald-500/15 dark:text-emerald-200'],
  changed: ['bg-red-50 text-red-900 dark:bg-red-500/15 dark:text-red-200', 'bg-emerald-50 text-emerald-900 dark:bg-emerald-500/15 dark:text-emerald-200'],
};

/**
 * Two templates side by side, changed lines marked (chat templates message by message).
 *
 * @example
 * <TemplateDiff left={promptTemplate(v1)} right={promptTemplate(v3)} leftLabel="Version 1" rightLabel="Version 3" />
 */
export function TemplateDiff({ left, right, leftLabel, rightLabel }: { left: PromptTemplate; right: PromptTemplate; leftLabel: string; rightLabel: string }) {
  const diff = templateDiff(left, right);
  const chat = left.kind === 'chat' || right.kind === 'chat';
  return (
    <div
      role="table"
      aria-label={`Diff of ${leftLabel} and ${rightLabel}`}
      className="overflow-hidden rounded-md border border-zinc-200 font-mono text-sm dark:border-zinc-700"
    >
      <div
        role="row"
        className="grid grid-cols-2 border-b border-zinc-200 bg-zinc-50 font-sans text-xs font-medium text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900"
      >
        <div role="columnheader" className="px-3 py-1.5">
          {leftLabel}
        </div>
        <div role="columnheader" className="border-l border-zinc-200 px-3 py-1.5 dark:border-zinc-700">
          {rightLabel}
        </div>
      </div>
      {diff.map((m) => (
        <div key={m.index} role="rowgroup">
          {chat ? (
            <div role="row" className="grid grid-cols-2 border-b border-zinc-200 font-sans text-xs font-semibold text-zinc-500 uppercase dark:border-zinc-700">
              <div role="cell" className="px-3 py-1">
                {m.leftRole ?? ''}
              </div>
              <div role="cell" className="border-l border-zinc-200 px-3 py-1 dark:border-zinc-700">
                {m.rightRole ?? ''}
              </div>
            </div>
          ) : null}
          {m.rows.map((r, i) => (
            <div key={i} role="row" data-diff={r.kind} className="grid grid-cols-2">
              <div role="cell" className={`px-3 py-0.5 whitespace-pre-wrap ${CELL[r.kind][0]}`}>
                {r.left ?? ''}
              </div>
              <div role="cell" className={`border-l border-zinc-200 px-3 py-0.5 whitespace-pre-wrap dark:border-zinc-700 ${CELL[r.kind][1]}`}>
                {r.right ?? ''}
              </div>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
