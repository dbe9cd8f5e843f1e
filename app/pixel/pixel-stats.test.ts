// The pixel endpoint's counters: a request limited by this process because the shared limiter was
// unavailable is counted per shop under `fallback`, beside its refusal if it was refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PixelStats } from './pixel-stats.ts';

test('fallbacks are counted per shop by reason; a shop starts with empty counters', () => {
  const stats = new PixelStats();
  stats.fallback('a.myshopify.com', 'shared_limiter_unavailable');
  stats.fallback('a.myshopify.com', 'shared_limiter_unavailable');
  stats.rejected('a.myshopify.com', 'rate_limited_shop');
  stats.accepted('b.myshopify.com', 3);
  assert.deepEqual(stats.snapshot(), {
    shops: {
      'a.myshopify.com': { batches: 0, accepted: 0, rejected: { rate_limited_shop: 1 }, dropped: {}, fallback: { shared_limiter_unavailable: 2 } },
      'b.myshopify.com': { batches: 1, accepted: 3, rejected: {}, dropped: {}, fallback: {} },
    },
    unattributed: { rejected: {} },
  });
});
