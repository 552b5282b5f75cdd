import type { Context, Hono } from 'hono';
import { ApiError } from '@loupe/protocol';
import type { z } from 'zod';
import type { Services } from '../services/services.js';
import { checkJsonContentType, decodeRequest, parseJsonBody, queryToObject, readRequestBody } from './request-decoding.js';
import { RawJson, StreamedJson, toProtoJson } from './json-response.js';
import type { Access, Visibility } from '../auth/access.js';
import { OPEN_AUTHORIZER, type Authorizer } from '../auth/authorizer.js';
import { LOCAL_OPERATOR, type Principal } from '../auth/principal.js';
import type { AuditSubject } from '../auth/audit-log.js';

/** What an RPC handler gets besides its decoded request. */
export interface RpcContext {
  services: Services;
  /** Who sent the request ({@link LOCAL_OPERATOR} when auth is off). */
  principal: Principal;
  /** What a `filtered` route may show its caller (everything, for other routes). */
  visible: Visibility;
}

/**
 * One MLflow RPC: method, path (Hono syntax, `:name` for path variables), the API majors it is
 * mounted under, its request and response schemas and one service call. Declared, never hand-wired.
 */
export interface RpcRoute<S extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  /** Mounted as `/api/{v}.0{path}` and `/ajax-api/{v}.0{path}` for each version. */
  versions: readonly (2 | 3)[];
  request: S;
  /** A body limit of this route below the server's, checked before the request is decoded, with its message (LogBatch's 1 MB). */
  bodyLimit?: { bytes: number; message: (bytes: number) => string };
  /**
   * The reply as it goes on the wire (after protobuf-JSON serialization: non-finite doubles as strings,
   * empty lists omitted). Apps built with `checkResponses` (every in-process test) parse each reply with
   * it, so a wire shape cannot drift unnoticed.
   */
  response: R;
  /** One service call; the reply is wire JSON made here, at the edge (`void` for an empty reply). */
  handle(req: z.output<S>, ctx: RpcContext): Promise<z.input<R> | RawJson | StreamedJson | void>;
  /** Mount only under `/ajax-api` (UI-only routes). */
  ajaxOnly?: boolean;
  /**
   * Who may call it (docs/adr/0013-auth.md §2): required, so a route cannot be added without saying.
   * Checked by the one authorizer after the request is decoded, before `handle`.
   */
  access: Access<z.output<S>, z.input<R>>;
  /**
   * The audit event of a successful call (docs/adr/0013-auth.md §8), recorded with the caller as
   * actor right after the handler's change committed: deletions, made by services that know no actor.
   */
  audit?: (req: z.output<S>, reply: z.input<R>) => AuditSubject;
}

/**
 * Declares an RPC with its request type inferred from the schema and its reply typed by the response schema.
 *
 * @example
 * export const getExperiment = rpc({
 *   method: 'GET', path: '/mlflow/experiments/get', versions: [2],
 *   request: TrackingRequests.GetExperiment, response: TrackingResponses.GetExperiment,
 *   access: read((req) => ref.experiment(req.experiment_id)),
 *   handle: async (req, { services }) => ({ experiment: experimentJson(await services.experiments.get(req.experiment_id)) }),
 * });
 */
export function rpc<S extends z.ZodType, R extends z.ZodType>(route: RpcRoute<S, R>): RpcRoute<S, R> {
  return route;
}

async function decode(c: Context, route: RpcRoute, maxJsonBodyBytes: number): Promise<{ input: Record<string, unknown>; bytes: number }> {
  const request = c.req.raw;
  const input: Record<string, unknown> = queryToObject(new URL(request.url).searchParams);
  let bytes = 0;
  if (route.method !== 'GET') {
    checkJsonContentType(route.method, request.headers.get('content-type'));
    const body = await readRequestBody(c, maxJsonBodyBytes);
    bytes = body.byteLength;
    Object.assign(input, parseJsonBody(new TextDecoder().decode(body)));
  }
  Object.assign(input, c.req.param());
  return { input, bytes };
}

/**
 * A byte stream of text pieces, pulled one at a time (backpressure: the next piece is read when the
 * client has taken the last).
 *
 * @example
 * return new Response(streamOf(pieces), { headers: { 'content-type': 'application/json' } });
 */
export function streamOf(pieces: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = pieces[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** How {@link mountRpcs} mounts routes. */
export interface RpcMountOptions {
  maxJsonBodyBytes: number;
  /** Parse every reply with its route's response schema; a mismatch is an internal error (tests turn this on). */
  checkResponses?: boolean;
  /** The one authorization point; unset: {@link OPEN_AUTHORIZER} (auth off). */
  authorizer?: Authorizer;
  /** Records routes' `audit` events; unset: nothing is recorded (auth off). */
  audit?: (actor: Principal, subject: AuditSubject) => Promise<void>;
}

/**
 * Mounts RPC routes on the app under `/api/{v}.0` and `/ajax-api/{v}.0`.
 *
 * @example
 * mountRpcs(app, [...experimentRoutes], services, { maxJsonBodyBytes: 16 << 20 });
 */
export function mountRpcs(app: Hono, routes: readonly RpcRoute[], services: Services, options: RpcMountOptions): void {
  const authorizer = options.authorizer ?? OPEN_AUTHORIZER;
  for (const route of routes) {
    // Checked here too, for routes built where the type does not reach (docs/adr/0013-auth.md §2).
    if (!route.access) throw new Error(`${route.method} ${route.path} declares no access: every route says who may call it`);
    const access = route.access as Access<unknown, unknown>;
    const handler = async (c: Context) => {
      const { input, bytes } = await decode(c, route, options.maxJsonBodyBytes);
      if (route.bodyLimit && bytes > route.bodyLimit.bytes) throw ApiError.invalid(route.bodyLimit.message(bytes));
      const req = decodeRequest(route.request, input);
      const principal = c.get('principal') as Principal | undefined;
      // The one authorization point, on the request the handler gets (docs/adr/0013-auth.md §3).
      const visible = await authorizer.authorize(principal, access as Access<unknown, never>, req);
      const result = (await route.handle(req, { services, principal: principal ?? LOCAL_OPERATOR, visible })) ?? {};
      if (access.effects) await authorizer.applyEffects(principal, access.effects(req, result));
      if (route.audit && options.audit) await options.audit(principal ?? LOCAL_OPERATOR, route.audit(req, result as never));
      if (options.checkResponses) return c.body(await checkedReply(route, result), 200, JSON_HEADERS);
      if (result instanceof StreamedJson) return new Response(streamOf(result.pieces), { status: 200, headers: JSON_HEADERS });
      return c.body(result instanceof RawJson ? result.text : toProtoJson(result), 200, JSON_HEADERS);
    };
    for (const version of route.versions) {
      const prefixes = route.ajaxOnly ? ['/ajax-api'] : ['/api', '/ajax-api'];
      for (const prefix of prefixes) app.on(route.method, `${prefix}/${version}.0${route.path}`, handler);
    }
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The reply's wire text, after checking it against the route's response schema. */
async function checkedReply(route: RpcRoute, result: object): Promise<string> {
  let text: string;
  if (result instanceof StreamedJson) {
    text = '';
    for await (const piece of result.pieces) text += piece;
  } else {
    text = result instanceof RawJson ? result.text : toProtoJson(result);
  }
  const checked = route.response.safeParse(JSON.parse(text));
  if (!checked.success) {
    const where = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`The reply of ${route.method} ${route.path} does not match its response schema: ${where}`);
  }
  return text;
}
