/**
 * Which view of a span the details pane shows. A tab the user picked stays while the next span has
 * something in it; on a span where it would be empty the pane shows that span's default instead, and
 * the pick is forgotten.
 */

/** The views of a span. */
export type SpanTab = 'chat' | 'documents' | 'io' | 'attributes' | 'events';

/** What a span has to show in each view. */
export interface SpanContent {
  /** An LLM conversation was read from it. */
  chat: boolean;
  /** Retrieved documents were read from its outputs. */
  documents: boolean;
  /** It has inputs or outputs. */
  io: boolean;
  attributes: number;
  events: number;
}

/**
 * Whether a view has anything to show for the span.
 *
 * @example
 * hasTabContent('events', { chat: false, documents: false, io: true, attributes: 2, events: 0 }); // false
 */
export function hasTabContent(tab: SpanTab, content: SpanContent): boolean {
  if (tab === 'attributes') return content.attributes > 0;
  if (tab === 'events') return content.events > 0;
  return content[tab];
}

/**
 * The view a span opens on: its conversation, its documents, its inputs and outputs, its attributes,
 * its events, the first that has something (inputs and outputs when nothing has).
 *
 * @example
 * defaultSpanTab({ chat: false, documents: true, io: true, attributes: 3, events: 0 }); // 'documents'
 */
export function defaultSpanTab(content: SpanContent): SpanTab {
  const order: SpanTab[] = ['chat', 'documents', 'io', 'attributes', 'events'];
  return order.find((t) => hasTabContent(t, content)) ?? 'io';
}

/**
 * The view to show: the one picked when it has something for this span, else the span's default.
 *
 * @example
 * shownSpanTab('events', { chat: true, documents: false, io: true, attributes: 1, events: 0 }); // 'chat'
 */
export function shownSpanTab(picked: SpanTab | null, content: SpanContent): SpanTab {
  return picked && hasTabContent(picked, content) ? picked : defaultSpanTab(content);
}
