// The rolling window behind the ten-second and per-second limits, on a hand-driven clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RollingWindow } from './rolling-window.ts';

describe('hubspot emulator: rolling window', () => {
  it('admits up to the limit within any window and frees room as requests age out', () => {
    const window = new RollingWindow(3, 10_000);
    for (const t of [0, 1000, 2000]) {
      assert.ok(window.hasRoom(t));
      window.accept(t);
    }
    assert.equal(window.hasRoom(9999), false);
    assert.equal(window.remaining(9999), 0);
    assert.ok(window.hasRoom(10_000), 'the request at 0 left the window ending at 10,000');
    assert.equal(window.remaining(11_000), 2);
  });

  it('records the most requests accepted within one window, wherever it lies', () => {
    const window = new RollingWindow(100, 10_000);
    for (const t of [0, 5000, 9000, 12_000, 14_000, 15_500, 30_000]) window.accept(t);
    // The window (5500, 15500] holds 9000, 12000, 14000, 15500: four.
    assert.equal(window.peak, 4);
    assert.equal(window.count(30_000), 1);
  });
});
