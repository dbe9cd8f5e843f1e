// The web pixel's entry point (Shopify CLI builds this file): registers with the sandbox and
// hands the real clock, timers and fetch to the pixel. All logic lives in the other modules.
import { register } from '@shopify/web-pixels-extension';
import { startPixel } from './pixel.ts';

register((api) => {
  startPixel(api, {
    now: () => Date.now(),
    setTimer: (callback, ms) => setTimeout(callback, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    fetch: typeof fetch === 'function' ? (url, init) => fetch(url, init) : undefined,
  });
});
