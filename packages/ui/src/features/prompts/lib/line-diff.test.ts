import { describe, expect, it } from 'vitest';
import { lineDiff, templateDiff } from './line-diff';

describe('lineDiff', () => {
  it('keeps common lines and pairs an edited line with its new form', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc\nd')).toEqual([
      { kind: 'same', left: 'a', right: 'a' },
      { kind: 'changed', left: 'b', right: 'B' },
      { kind: 'same', left: 'c', right: 'c' },
      { kind: 'added', right: 'd' },
    ]);
  });

  it('shows removed lines on the left only', () => {
    expect(lineDiff('x\ny', 'y')).toEqual([
      { kind: 'removed', left: 'x' },
      { kind: 'same', left: 'y', right: 'y' },
    ]);
  });
});

describe('templateDiff', () => {
  it('compares chat templates message by message, with messages on one side only', () => {
    const diff = templateDiff(
      { kind: 'chat', messages: [{ role: 'system', content: 'Be brief.' }] },
      {
        kind: 'chat',
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: '{{ q }}' },
        ],
      },
    );
    expect(diff).toEqual([
      { index: 0, leftRole: 'system', rightRole: 'system', rows: [{ kind: 'changed', left: 'Be brief.', right: 'Be kind.' }] },
      { index: 1, rightRole: 'user', rows: [{ kind: 'added', right: '{{ q }}' }] },
    ]);
  });

  it('compares text templates line by line', () => {
    expect(templateDiff({ kind: 'text', text: 'a' }, { kind: 'text', text: 'a' })).toEqual([{ index: 0, rows: [{ kind: 'same', left: 'a', right: 'a' }] }]);
  });
});
