/** One server-sent event: its name (when sent) and its data lines joined. */
export interface ServerSentEvent {
  event?: string;
  data: string;
}

/**
 * The events of a `text/event-stream` body, as the HTML spec's parsing rules give them
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * `data:` lines joined by newlines, `event:` names, comments and other fields skipped, CRLF or LF.
 *
 * @example
 * for await (const e of readServerSentEvents(response.body)) if (e.data !== '[DONE]') handle(JSON.parse(e.data));
 */
export async function* readServerSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | undefined;
  let data: string[] = [];
  const lines = function* (final: boolean) {
    for (;;) {
      const nl = buffer.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      // A lone CR at the end of a chunk may be the first half of a CRLF.
      if (!final && buffer[nl] === '\r' && nl === buffer.length - 1) break;
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
      yield line;
    }
    if (final && buffer) {
      yield buffer;
      buffer = '';
    }
  };
  const take = (line: string): ServerSentEvent | undefined => {
    if (line === '') {
      const out = data.length > 0 ? { ...(event !== undefined ? { event } : {}), data: data.join('\n') } : undefined;
      event = undefined;
      data = [];
      return out;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    return undefined;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const line of lines(false)) {
      const out = take(line);
      if (out) yield out;
    }
  }
  buffer += decoder.decode();
  for (const line of lines(true)) {
    const out = take(line);
    if (out) yield out;
  }
  const last = take('');
  if (last) yield last;
}
