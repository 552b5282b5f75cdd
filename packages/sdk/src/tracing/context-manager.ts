import { context as otelContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/**
 * Makes sure OpenTelemetry has an async context manager, so the active span follows `await`,
 * promises, timers and callbacks. An app's own registration wins (registering twice is refused by
 * the API and changes nothing).
 *
 * @example
 * ensureContextManager();
 */
export function ensureContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  if (!otelContext.setGlobalContextManager(manager)) manager.disable();
}

/**
 * Binds a function or an EventEmitter to the current context, so listeners registered now run in
 * this trace even when the event fires from elsewhere (a socket, a pool).
 *
 * @example
 * bindContext(stream).on('data', (chunk) => withSpan(() => handle(chunk), { name: 'chunk' }));
 */
export function bindContext<T>(target: T): T {
  return otelContext.bind(otelContext.active(), target);
}
