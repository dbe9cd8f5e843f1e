// Delivers one body to the endpoint: the sandbox's browser.sendBeacon when it has one (it runs in
// the top frame, so it survives the page being left), else fetch with keepalive. text/plain keeps
// the request "simple" (no CORS preflight). A beacon the browser refuses falls back to fetch.

export type SendBeacon = (url: string, body?: string) => Promise<boolean> | boolean;
export type FetchLike = (url: string, init: { method: string; body: string; keepalive: boolean; headers: Record<string, string>; credentials?: 'omit' }) => Promise<unknown>;

export type SendResult = 'beacon' | 'fetch' | 'failed';

export interface Transport {
  send(body: string): Promise<SendResult>;
}

export function createTransport(options: { endpoint: string; sendBeacon?: SendBeacon | undefined; fetch?: FetchLike | undefined }): Transport {
  const { endpoint, sendBeacon, fetch } = options;
  return {
    async send(body) {
      if (sendBeacon) {
        try {
          if ((await sendBeacon(endpoint, body)) === true) return 'beacon';
        } catch {
          // fall through to fetch
        }
      }
      if (!fetch) return 'failed';
      try {
        await fetch(endpoint, { method: 'POST', body, keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } });
        return 'fetch';
      } catch {
        return 'failed';
      }
    },
  };
}
