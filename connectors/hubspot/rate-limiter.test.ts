import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RollingWindowLimiter } from './rate-limiter.ts';

function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), advance: (ms: number) => void (t += ms) };
}

test('never more than the limit in any rolling window, callers served in order', async () => {
  const clock = fakeClock();
  const limiter = new RollingWindowLimiter(5, 10_000, clock);
  const times: number[] = [];
  await Promise.all(Array.from({ length: 17 }, () => limiter.acquire().then(() => times.push(clock.now()))));
  assert.equal(times.length, 17);
  for (let i = 0; i < times.length; i++) {
    const inWindow = times.filter((t) => t > (times[i] ?? 0) - 10_000 && t <= (times[i] ?? 0)).length;
    assert.ok(inWindow <= 5, `${inWindow} acquisitions in the window ending at ${times[i]}`);
  }
  assert.deepEqual(times.slice(0, 6), [0, 0, 0, 0, 0, 10_000]);
  assert.ok(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0)), 'in order');
});

test('a pause after a 429 holds every caller back', async () => {
  const clock = fakeClock();
  const limiter = new RollingWindowLimiter(100, 10_000, clock);
  await limiter.acquire();
  limiter.pause(3000);
  await limiter.acquire();
  assert.equal(clock.now(), 3000);
});

test('a limit that is not a positive whole number is refused', () => {
  assert.throws(() => new RollingWindowLimiter(0, 10_000, fakeClock()), /positive whole number/);
  assert.throws(() => new RollingWindowLimiter(2.5, 10_000, fakeClock()), /positive whole number/);
});
