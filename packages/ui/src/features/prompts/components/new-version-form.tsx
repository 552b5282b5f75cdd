import { useState } from 'react';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { ErrorBanner } from '../../../shared/components/feedback-states';
import { INPUT_CLASS, TextInput } from '../../../shared/components/text-input';
import { DialogActions } from '../../../shared/components/dialog-actions';
import type { ChatMessage, PromptTemplate } from '../lib/prompt-template';

const TEXTAREA = `${INPUT_CLASS} h-auto min-h-24 py-1.5 font-mono`;

/**
 * The "new version" dialog: a text template or chat messages (starting from the version shown) and a commit message.
 *
 * @example
 * <NewVersionForm initial={template} pending={false} error={null} onClose={close} onSubmit={(t, msg) => save(t, msg)} />
 */
export function NewVersionForm({
  initial,
  pending,
  error,
  onClose,
  onSubmit,
}: {
  initial: PromptTemplate;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onSubmit: (template: PromptTemplate, commitMessage: string) => void;
}) {
  const [kind, setKind] = useState<PromptTemplate['kind']>(initial.kind);
  const [text, setText] = useState(initial.kind === 'text' ? initial.text : '');
  const [messages, setMessages] = useState<ChatMessage[]>(initial.kind === 'chat' ? initial.messages : [{ role: 'user', content: initial.text }]);
  const [commitMessage, setCommitMessage] = useState('');
  const template: PromptTemplate = kind === 'text' ? { kind, text } : { kind, messages };
  const valid = kind === 'text' ? text.trim() !== '' : messages.length > 0 && messages.every((m) => m.content.trim() !== '');
  const setMessage = (i: number, patch: Partial<ChatMessage>) => setMessages(messages.map((m, k) => (k === i ? { ...m, ...patch } : m)));
  return (
    <Dialog open title="New prompt version" onClose={onClose}>
      <form
        className="flex w-[36rem] max-w-full flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) onSubmit(template, commitMessage.trim());
        }}
      >
        <fieldset className="flex gap-4 text-sm">
          <legend className="sr-only">Template type</legend>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="kind" checked={kind === 'text'} onChange={() => setKind('text')} /> Text
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="kind" checked={kind === 'chat'} onChange={() => setKind('chat')} /> Chat
          </label>
        </fieldset>
        {kind === 'text' ? (
          <textarea aria-label="Template text" className={TEXTAREA} rows={8} value={text} onChange={(e) => setText(e.target.value)} />
        ) : (
          <ol className="flex flex-col gap-2">
            {messages.map((m, i) => (
              <li key={i} className="flex flex-col gap-1">
                <div className="flex items-center gap-2">
                  <select
                    aria-label={`Role of message ${i + 1}`}
                    className={INPUT_CLASS}
                    value={m.role}
                    onChange={(e) => setMessage(i, { role: e.target.value })}
                  >
                    <option value="system">system</option>
                    <option value="user">user</option>
                    <option value="assistant">assistant</option>
                  </select>
                  <Button size="sm" variant="ghost" aria-label={`Remove message ${i + 1}`} onClick={() => setMessages(messages.filter((_, k) => k !== i))}>
                    Remove
                  </Button>
                </div>
                <textarea
                  aria-label={`Content of message ${i + 1}`}
                  className={TEXTAREA}
                  rows={3}
                  value={m.content}
                  onChange={(e) => setMessage(i, { content: e.target.value })}
                />
              </li>
            ))}
            <li>
              <Button size="sm" onClick={() => setMessages([...messages, { role: 'user', content: '' }])}>
                Add message
              </Button>
            </li>
          </ol>
        )}
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Commit message</span>
          <TextInput aria-label="Commit message" value={commitMessage} onChange={(e) => setCommitMessage(e.target.value)} />
        </label>
        {error ? <ErrorBanner error={error} title="Not saved" /> : null}
        <DialogActions onCancel={onClose} submitLabel="Create version" pendingLabel="Saving…" pending={pending} disabled={!valid} />
      </form>
    </Dialog>
  );
}
