// Small node:http helpers: bounded body reading and JSON answers with HubSpot's correlation header.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export { BodyTooLargeError, readBody } from '../shared/read-body.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const correlationId = typeof body === 'object' && body !== null && typeof (body as { correlationId?: unknown }).correlationId === 'string' ? (body as { correlationId: string }).correlationId : randomUUID();
  if (status === 204 || body === undefined) {
    res.writeHead(status, { 'X-HubSpot-Correlation-Id': correlationId, ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'X-HubSpot-Correlation-Id': correlationId,
    ...headers,
  });
  res.end(text);
}
