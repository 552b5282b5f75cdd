import { context as otelContext, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

/** Incoming or outgoing headers: a plain object (`fetch` init, Node's `IncomingHttpHeaders`) or `Headers`. */
export type HeaderCarrier = Record<string, string | string[] | undefined> | Headers;

const getter = {
  keys: (carrier: HeaderCarrier) => (carrier instanceof Headers ? [...carrier.keys()] : Object.keys(carrier)),
  get: (carrier: HeaderCarrier, key: string) => {
    if (carrier instanceof Headers) return carrier.get(key) ?? undefined;
    const direct = carrier[key];
    if (direct !== undefined) return direct;
    const found = Object.keys(carrier).find((k) => k.toLowerCase() === key);
    return found === undefined ? undefined : carrier[found];
  },
};

/**
 * Writes the active span's W3C `traceparent` (and `tracestate`) into `headers`, so the service you
 * call continues this trace. Returns `headers`. With no active span it adds nothing.
 *
 * @example
 * await fetch(url, { headers: injectTraceContext({ 'content-type': 'application/json' }) });
 */
export function injectTraceContext<T extends Record<string, string> | Headers>(headers: T = {} as T, ctx: Context = otelContext.active()): T {
  try {
    propagator.inject(ctx, headers, {
      set: (carrier, key, value) => {
        if (carrier instanceof Headers) carrier.set(key, value);
        else (carrier as Record<string, string>)[key] = value;
      },
    });
  } catch {
    // Propagation is best effort: never break the caller's request.
  }
  return headers;
}

/**
 * The context carried by incoming `traceparent` / `tracestate` headers: spans started in it join
 * the caller's trace. Without (valid) headers, the context given (default: the active one).
 *
 * @example
 * const ctx = extractTraceContext(req.headers);
 */
export function extractTraceContext(headers: HeaderCarrier, ctx: Context = otelContext.active()): Context {
  try {
    return propagator.extract(ctx, headers, getter);
  } catch {
    return ctx;
  }
}

/**
 * Runs `fn` inside the trace that `headers` carry, so its spans continue the caller's trace.
 *
 * @example
 * server.on('request', (req, res) => withTraceContext(req.headers, () => handle(req, res)));
 */
export function withTraceContext<T>(headers: HeaderCarrier, fn: () => T): T {
  return otelContext.with(extractTraceContext(headers), fn);
}
