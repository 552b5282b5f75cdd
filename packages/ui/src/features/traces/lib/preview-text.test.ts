import { describe, expect, it } from 'vitest';
import { parsePartialJson } from './partial-json';
import { replyText, requestText } from './preview-text';

const LONG = `Here is how to return an item. ${'Pack it in its box and drop it at a post office. '.repeat(30)}`;
const cut = (value: unknown) => JSON.stringify(value).slice(0, 1000);

describe('parsePartialJson', () => {
  it('reads complete JSON as JSON.parse does', () => {
    expect(parsePartialJson('{"a":[1,"x"]}')).toEqual({ a: [1, 'x'] });
    expect(parsePartialJson('"text"')).toBe('text');
    expect(parsePartialJson('plain text')).toBeUndefined();
    expect(parsePartialJson('')).toBeUndefined();
  });

  it('closes what a cut left open, marking a cut string with …', () => {
    expect(parsePartialJson('{"content":[{"type":"text","text":"Hello wor')).toEqual({ content: [{ type: 'text', text: 'Hello wor…' }] });
    expect(parsePartialJson('["a","b')).toEqual(['a', 'b…']);
    expect(parsePartialJson('{"a":"x","b":12')).toEqual({ a: 'x', b: 12 });
  });

  it('drops an incomplete member: a key alone, a key and colon, half a literal', () => {
    expect(parsePartialJson('{"a":"x","bc')).toEqual({ a: 'x' });
    expect(parsePartialJson('{"a":"x","b":')).toEqual({ a: 'x' });
    expect(parsePartialJson('{"a":"x","b":tr')).toEqual({ a: 'x' });
    expect(parsePartialJson('{"a":{"b":[1,2,')).toEqual({ a: { b: [1, 2] } });
    expect(parsePartialJson('{"a":nul')).toEqual({});
  });

  it('never ends a cut string inside an escape sequence', () => {
    expect(parsePartialJson('{"a":"line\\')).toEqual({ a: 'line…' });
    expect(parsePartialJson('{"a":"caf\\u00')).toEqual({ a: 'caf…' });
    expect(parsePartialJson('{"a":"back\\\\')).toEqual({ a: 'back\\…' });
    expect(parsePartialJson('{"a":"q\\"')).toEqual({ a: 'q"…' });
  });
});

describe('requestText', () => {
  it('reads the last user message, content blocks included', () => {
    expect(requestText('{"messages":[{"role":"user","content":"Where is my order?"}]}')).toBe('Where is my order?');
    expect(requestText(JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Refund?' }] }] }))).toBe('Refund?');
    expect(requestText(JSON.stringify({ inputs: { messages: [{ role: 'user', content: 'hi' }] } }))).toBe('hi');
    expect(requestText(JSON.stringify({ question: 'why?', k: 3 }))).toBe('why?');
    expect(requestText('not json')).toBe('not json');
    expect(requestText('{"a":1,"b":2}')).toBe('{"a":1,"b":2}');
  });
});

describe('replyText', () => {
  it('reads replies in the shapes providers return them', () => {
    expect(replyText(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Shipped.' } }] }))).toBe('Shipped.');
    expect(
      replyText(JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Approved.' }], stop_reason: 'end_turn' })),
    ).toBe('Approved.');
    expect(
      replyText(
        JSON.stringify([
          { role: 'user', content: 'Change it?' },
          { role: 'assistant', content: 'Yes.' },
        ]),
      ),
    ).toBe('Yes.');
    expect(replyText(JSON.stringify({ output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] }] }))).toBe('Done.');
    expect(replyText(JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'Sure.' }] } }] }))).toBe('Sure.');
    expect(replyText(JSON.stringify({ messages: [{ role: 'assistant', content: 'Hi there.' }] }))).toBe('Hi there.');
    expect(replyText(JSON.stringify({ answer: 'Order 1001 has shipped.' }))).toBe('Order 1001 has shipped.');
    expect(replyText('Anything else?')).toBe('Anything else?');
    expect(replyText(JSON.stringify('quoted'))).toBe('quoted');
  });

  it('reads a reply whose preview was cut at 1,000 characters, ending it with …', () => {
    const text = replyText(cut({ id: 'chatcmpl-9', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: LONG } }] }));
    expect(text.startsWith('Here is how to return an item. Pack it in its box')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(LONG.startsWith(text.slice(0, -1))).toBe(true);
  });

  it('keeps the preview when it holds no reply', () => {
    expect(replyText('{"status":"ok","count":2}')).toBe('{"status":"ok","count":2}');
    expect(replyText(JSON.stringify({ choices: [{ message: { role: 'assistant', content: null, tool_calls: [] } }] }))).toBe(
      JSON.stringify({ choices: [{ message: { role: 'assistant', content: null, tool_calls: [] } }] }),
    );
  });
});
