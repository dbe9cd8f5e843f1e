// The job handlers in this process, on the local queue: the demo's web app (sync now, webhooks,
// rule write-back) and the CLI when no Redis answers. Same handlers as the workers; nothing
// survives the process.
import type { Store } from '../store/store.ts';
import type { SyncDeps } from '../sync/sync-types.ts';
import { createLocalCoordination } from './coordination.ts';
import { createHandlers } from './handlers.ts';
import { createLocalQueue, type LocalQueue } from './local-queue.ts';
import { createLocalShopLock } from './shop-lock.ts';

export function createInProcessJobs(store: Store, deps: SyncDeps, options: { pollIntervalMs?: number } = {}): LocalQueue {
  const queue = createLocalQueue();
  queue.setHandlers(
    createHandlers({
      store,
      deps,
      queue,
      shopLock: createLocalShopLock(),
      personLock: createLocalShopLock(),
      ...createLocalCoordination(),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    }),
  );
  return queue;
}
