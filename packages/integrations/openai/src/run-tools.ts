import type { Loupe } from '@loupe/sdk';
import { isObject, traceCall } from '@loupe/sdk/genai';

type ToolFunction = (args: unknown, ...rest: unknown[]) => unknown;

/** A TOOL span around each call of `fn`: the arguments it is given (parsed, when the tool parses) in, its result out. */
function tracedToolFunction(loupe: Loupe, name: string, fn: ToolFunction): ToolFunction {
  return function (this: unknown, args: unknown, ...rest: unknown[]) {
    return traceCall(
      loupe,
      { name, spanType: 'TOOL', inputs: args },
      () => fn.call(this, args, ...rest),
      (span, value) => {
        if (value !== undefined) span.setOutputs(value);
      },
    );
  };
}

/**
 * One tool of a `runTools()` request with its function traced, or the tool as it was. Two shapes run
 * functions: `{ type: 'function', function: { function, parse?, name? } }`, and the auto-parseable
 * tools of `zodFunction()`, whose function is the non-enumerable `$callback` (copied through a
 * prototype, so their other hidden fields stay readable).
 */
function tracedTool(loupe: Loupe, tool: unknown): unknown {
  if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function)) return tool;
  const declared = tool.function;
  const callback = (tool as { $callback?: unknown }).$callback;
  if (typeof callback === 'function') {
    const name = typeof declared.name === 'string' ? declared.name : callback.name;
    return Object.create(tool, { $callback: { value: tracedToolFunction(loupe, name, callback as ToolFunction), enumerable: false } });
  }
  const fn = declared.function;
  if (typeof fn !== 'function') return tool;
  // openai names an unnamed tool after its function: keep that name, the wrapper's is not it.
  const name = typeof declared.name === 'string' && declared.name ? declared.name : fn.name;
  return { ...tool, function: { ...declared, name, function: tracedToolFunction(loupe, name, fn as ToolFunction) } };
}

/**
 * `runTools()`'s request with every tool function traced, so each call the runner makes is a TOOL
 * span (siblings of the model requests' spans, under the span active where `runTools` was called).
 * Anything unexpected leaves the request as it was.
 *
 * @example
 * return original.call(this, withTracedTools(loupe, body), options);
 */
export function withTracedTools(loupe: Loupe, body: unknown): unknown {
  if (!isObject(body) || !Array.isArray(body.tools)) return body;
  try {
    return { ...body, tools: body.tools.map((tool) => tracedTool(loupe, tool)) };
  } catch (err) {
    loupe.config.diagnostics.warn('@loupe/openai: tracing runTools() functions failed', err);
    return body;
  }
}
