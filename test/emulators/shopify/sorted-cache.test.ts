// The cached sort order patched by merges matches a full sort after additions and updates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sortedPositions } from './connection.ts';
import { ChangeLog, SortedOrderCache } from './sorted-cache.ts';

describe('sorted order cache', () => {
  it('patches the cached order after a few changes exactly as a full sort would', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const keys: number[] = [];
    const log = new ChangeLog();
    const cache = new SortedOrderCache();
    const key = (i: number): number => keys[i] ?? 0;
    const id = (i: number): number => i;
    for (let i = 0; i < 2000; i++) {
      keys.push(Math.floor(random() * 500));
      log.record(i);
    }
    for (let round = 0; round < 20; round++) {
      const order = cache.get('k', log, keys.length, key, id);
      assert.deepEqual([...order], [...sortedPositions(keys.length, key, id)]);
      for (let j = 0; j < 7; j++) {
        const position = Math.floor(random() * keys.length);
        keys[position] = Math.floor(random() * 500);
        log.record(position);
      }
      keys.push(Math.floor(random() * 500));
      log.record(keys.length - 1);
    }
  });
});
