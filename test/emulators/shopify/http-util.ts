// Small node:http helpers: bounded body reading, JSON/XML answers, injected request faults.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestFault } from './faults.ts';
import type { ShopState } from './shop-state.ts';

export { BodyTooLargeError, readBody } from '../shared/read-body.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'X-Request-Id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

export function sendXml(res: ServerResponse, status: number, xml: string): void {
  const text = `<?xml version='1.0' encoding='UTF-8'?>${xml}`;
  res.writeHead(status, { 'Content-Type': 'application/xml; charset=UTF-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

export function xmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** Answers (or drops) a request per an injected fault. */
export function applyRequestFault(shop: ShopState, fault: RequestFault, req: IncomingMessage, res: ServerResponse): void {
  shop.stats.faults++;
  switch (fault.kind) {
    case 'drop':
      req.socket.destroy();
      return;
    case 'graphql-error':
      sendJson(res, 200, { errors: [{ message: fault.message ?? 'Internal error. Looks like something went wrong on our end.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      return;
    default:
      if (fault.status === 429) {
        sendJson(res, 429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, { 'Retry-After': String(fault.retryAfterSeconds ?? 1) });
      } else {
        sendJson(res, fault.status, { errors: STATUS_TEXT[fault.status] ?? 'Error' });
      }
  }
}
