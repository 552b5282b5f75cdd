import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Services } from '../services/services.js';
import { mountRpcs, rpc } from './rpc.js';

const route = (reply: object) =>
  rpc({
    method: 'GET',
    path: '/test/echo',
    versions: [2],
    request: z.object({}),
    response: z.strictObject({ count: z.number() }),
    access: { kind: 'authenticated' },
    handle: async () => reply as { count: number },
  });

function appWith(reply: object, checkResponses: boolean): { app: Hono; errors: unknown[] } {
  const app = new Hono();
  const errors: unknown[] = [];
  mountRpcs(app, [route(reply)], {} as Services, { maxJsonBodyBytes: 1024, checkResponses });
  app.onError((err, c) => {
    errors.push(err);
    return c.json({ error_code: 'INTERNAL_ERROR', message: 'Internal server error' }, 500);
  });
  return { app, errors };
}

describe('response schemas', () => {
  it('pass a reply that matches', async () => {
    const { app } = appWith({ count: 1 }, true);
    const res = await app.request('/api/2.0/test/echo');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: 1 });
  });

  it('turn a drifted reply into an internal error naming the route and the field when checking', async () => {
    const { app, errors } = appWith({ count: 1, extra: 'x' }, true);
    expect((await app.request('/api/2.0/test/echo')).status).toBe(500);
    expect(String(errors[0])).toMatch(/GET \/test\/echo does not match its response schema: .*extra/);
  });

  it('check the wire text: a non-finite double travels as a string', async () => {
    const { app, errors } = appWith({ count: Number.NaN }, true);
    expect((await app.request('/api/2.0/test/echo')).status).toBe(500);
    expect(String(errors[0])).toMatch(/count/);
  });

  it('leave replies alone when not checking', async () => {
    const { app } = appWith({ count: 1, extra: 'x' }, false);
    expect(await (await app.request('/api/2.0/test/echo')).json()).toEqual({ count: 1, extra: 'x' });
  });
});

describe('route body limits', () => {
  it('answer with the route message before the request is decoded', async () => {
    const app = new Hono();
    const limited = rpc({
      method: 'POST',
      path: '/test/small',
      versions: [2],
      bodyLimit: { bytes: 12, message: (bytes) => `at most 12 bytes, got ${bytes}` },
      request: z.object({ name: z.string().max(1) }),
      response: z.strictObject({}),
      access: { kind: 'authenticated' },
      handle: async () => ({}),
    });
    mountRpcs(app, [limited], {} as Services, { maxJsonBodyBytes: 1024, checkResponses: true });
    app.onError((err, c) => c.json({ message: (err as Error).message }, 400));
    const post = (body: string) => app.request('/api/2.0/test/small', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(await (await post('{"name":"much too long"}')).json()).toEqual({ message: 'at most 12 bytes, got 24' });
    expect((await post('{"name":""}')).status).toBe(200);
  });
});

describe('access declarations', () => {
  it('are required: mounting a route without one fails (TypeScript refuses it too)', () => {
    const undeclared = { ...route({ count: 1 }), access: undefined } as unknown as Parameters<typeof mountRpcs>[1][number];
    expect(() => mountRpcs(new Hono(), [undeclared], {} as Services, { maxJsonBodyBytes: 1024 })).toThrow(/GET \/test\/echo declares no access/);
  });
});
