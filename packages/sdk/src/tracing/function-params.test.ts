import { describe, expect, it } from 'vitest';
import { namedInputs, paramNames } from './function-params.js';

const names = (fn: (...args: never[]) => unknown) => paramNames(fn).map((p) => (p.rest ? `...${p.name}` : p.name));

describe('parameter names of traced functions', () => {
  it('reads every kind of function', () => {
    expect(
      names(function add(a: number, b: number) {
        return a + b;
      }),
    ).toEqual(['a', 'b']);
    expect(names((q: string) => q)).toEqual(['q']);
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    expect(names(async (x: unknown, y = ')', ...rest: unknown[]) => 0)).toEqual(['x', 'y', '...rest']);
    expect(
      names(function* gen(n: number) {
        yield n;
      }),
    ).toEqual(['n']);
    expect(
      names(async function* agen(prompt: string) {
        yield prompt;
      }),
    ).toEqual(['prompt']);
    const obj = {
      method(a: number, /* comment, b */ c = { d: [1, 2] }) {
        return [a, c];
      },
    };
    expect(names(obj.method)).toEqual(['a', 'c']);
    expect(names(({ a, b }: { a: number; b: number }, [c]: number[]) => a + b + (c ?? 0))).toEqual(['arg0', 'arg1']);
    expect(names(Math.max)).toEqual([]);
    expect(
      names(
        function () {
          return 1;
        }.bind(null),
      ),
    ).toEqual([]);
  });

  it('maps arguments to names, rest as a list, extras positionally', () => {
    expect(
      namedInputs(
        [
          { name: 'a', rest: false },
          { name: 'more', rest: true },
        ],
        [1, 2, 3],
      ),
    ).toEqual({ a: 1, more: [2, 3] });
    expect(namedInputs([{ name: 'a', rest: false }], [1, 2])).toEqual({ a: 1, arg1: 2 });
    expect(namedInputs([], ['x'])).toEqual({ arg0: 'x' });
    expect(
      namedInputs(
        [
          { name: 'a', rest: false },
          { name: 'b', rest: false },
        ],
        [1],
      ),
    ).toEqual({ a: 1 });
  });
});
