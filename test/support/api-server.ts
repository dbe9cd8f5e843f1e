// The admin API served on a loopback port for tests, behind a test-only stand-in for session-token
// authentication: the shop comes from the X-Test-Shop header (the real authentication sets
// res.locals.shopId from a verified token). Jobs are recorded instead of run.
import type { Server } from 'node:http';
import express from 'express';
import type { JobData, JobQueue, QueueKind } from '../../app/jobs/job-types.ts';
import { createApiRouter } from '../../app/server/api/api-router.ts';
import type { Store } from '../../app/store/store.ts';

export const TEST_SHOP_HEADER = 'x-test-shop';

export interface ApiTestServer {
  base: string;
  enqueued: Array<{ kind: QueueKind; data: unknown; jobId?: string }>;
  router: express.Router;
  /** fetch against /api with the shop header set. */
  call(shop: string | null, method: string, path: string, init?: { body?: unknown; rawBody?: string; contentType?: string }): Promise<{ status: number; body: unknown; text: string }>;
  close(): Promise<void>;
}

export async function startApiServer(store: Store, now: () => Date = () => new Date()): Promise<ApiTestServer> {
  const enqueued: ApiTestServer['enqueued'] = [];
  const queue: JobQueue = {
    async enqueue<K extends QueueKind>(kind: K, data: JobData[K], options: { jobId?: string } = {}) {
      enqueued.push({ kind, data, ...(options.jobId ? { jobId: options.jobId } : {}) });
    },
  };
  const router = createApiRouter({ store, queue, now, log: () => {} });
  const app = express();
  app.use('/api', (req, res, next) => {
    const shop = req.get(TEST_SHOP_HEADER);
    if (shop) res.locals.shopId = shop;
    next();
  }, router);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api`;
  return {
    base,
    enqueued,
    router,
    async call(shop, method, path, init = {}) {
      const headers: Record<string, string> = {};
      if (shop) headers[TEST_SHOP_HEADER] = shop;
      let body: string | undefined;
      if (init.rawBody !== undefined) body = init.rawBody;
      else if (init.body !== undefined) body = JSON.stringify(init.body);
      if (body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
      const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      return { status: response.status, body: parsed, text };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
