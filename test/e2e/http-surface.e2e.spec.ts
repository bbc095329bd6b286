import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * What clients rely on from the HTTP layer itself (Fastify under Nest): JSON errors everywhere, Express's lenient
 * routing habits, the raw request body left for ingest to read, and the OpenAPI UI with its assets.
 */
describe('HTTP surface', () => {
  let ledger: RunningLedger;
  beforeAll(async () => {
    ledger = await startLedger();
  });
  afterAll(async () => {
    await ledger?.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${ledger.url}${path}`);
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), text };
  };

  it('answers an unknown route with the JSON error shape', async () => {
    const response = await get('/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toEqual({ error: { code: 'HTTP.404', message: 'Cannot GET /v1/nothing-here', details: {} } });
  });

  it('treats a trailing slash like none', async () => {
    const plain = await get('/v1/interactions?limit=5');
    const slashed = await get('/v1/interactions/?limit=5');
    expect(slashed.status).toBe(200);
    expect(JSON.parse(slashed.text)).toEqual(JSON.parse(plain.text));
  });

  it('lets an over-long id reach the handler, which names it', async () => {
    const id = 'x'.repeat(1500);
    const response = await get(`/v1/interactions/${id}`);
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text).error).toMatchObject({ code: 'INTERACTION.NOT_FOUND', details: { conversationId: id } });
  });

  it('leaves the body to ingest: chunked, without a length, and without a content type', async () => {
    const body = JSON.stringify([{ topicName: 'v2.detail.events.conversation.9a7c1d4e-0000-4000-8000-000000000001.customer.start', version: '2', eventBody: { eventTime: 1_700_000_000_000, conversationId: '9a7c1d4e-0000-4000-8000-000000000001' } }]);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      // Two writes: the handler must read the stream to its end, not one parsed chunk.
      request.write(body.slice(0, 40));
      request.end(body.slice(40));
    });
    expect(chunked.status).toBe(202);
    expect(JSON.parse(chunked.body)).toMatchObject({ accepted: 1 });

    const untyped = await fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', body: Buffer.from(body) });
    const reply = (await untyped.json()) as { error: Record<string, unknown> };
    expect(untyped.status).toBe(415);
    expect(reply.error).toMatchObject({ code: 'INGEST.UNSUPPORTED_MEDIA_TYPE', details: { field: 'content-type', received: null } });
  });

  it('serves the OpenAPI UI and its assets', async () => {
    const page = await get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui');
    const css = await get('/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.type).toContain('text/css');
  });
});
