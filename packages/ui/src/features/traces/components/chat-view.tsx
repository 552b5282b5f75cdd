import type { ChatMessage } from '../lib/chat-messages';

const ROLE_STYLE: Record<string, string> = {
  system: 'border-zinc-300 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900',
  user: 'border-sky-200 bg-sky-50 dark:border-sky-500/30 dark:bg-sky-500/10',
  assistant: 'border-indigo-200 bg-white dark:border-indigo-500/30 dark:bg-indigo-500/5',
  tool: 'border-emerald-200 bg-emerald-50 dark:border-emerald-500/30 dark:bg-emerald-500/10',
};

/**
 * An LLM span's conversation: one bubble per message with its role, tool calls with their arguments,
 * and tool results tied to their call.
 *
 * @example
 * <ChatView messages={extractChat(span.inputs, span.outputs)!} />
 */
export function ChatView({ messages }: { messages: ChatMessage[] }) {
  return (
    <ol className="flex flex-col gap-2" aria-label="Conversation">
      {messages.map((m, i) => (
        <li key={i} className={`rounded-md border px-3 py-2 ${ROLE_STYLE[m.role] ?? ROLE_STYLE.system}`}>
          <div className="mb-1 flex items-center gap-2 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
            {m.role}
            {m.toolCallId ? <span className="font-mono font-normal normal-case">result of {m.toolCallId}</span> : null}
          </div>
          {m.content ? <div className="text-[13px] leading-relaxed break-words whitespace-pre-wrap">{m.content}</div> : null}
          {m.toolCalls?.map((c, j) => (
            <div key={j} className="mt-1.5 rounded border border-zinc-200 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-950">
              <div className="flex items-center gap-2 border-b border-zinc-200 px-2 py-1 text-xs dark:border-zinc-700">
                <span className="font-medium text-emerald-700 dark:text-emerald-400">Tool call</span>
                <span className="font-mono">{c.name}</span>
                {c.id ? <span className="ml-auto font-mono text-zinc-400">{c.id}</span> : null}
              </div>
              <pre className="overflow-auto p-2 font-mono text-xs whitespace-pre-wrap">{c.arguments}</pre>
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}
