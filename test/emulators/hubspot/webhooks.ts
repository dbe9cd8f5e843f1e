// Webhook delivery as HubSpot does it: events batched into JSON arrays (up to 100 per POST),
// signed with the v3 signature (base64 HMAC-SHA256 of method + URI + body + timestamp under the
// app's client secret) plus the legacy v1 one, retried on 5xx / network errors / timeouts when asked.
// Deliveries go to loopback URLs only.
import { createHash, createHmac } from 'node:crypto';
import type { WebhookDelivery, WebhookEvent, WebhookSubscriptionOptions, WebhookSubscriptionType } from './types.ts';

const ALL_TYPES: readonly WebhookSubscriptionType[] = ['contact.creation', 'contact.propertyChange', 'contact.deletion', 'contact.privacyDeletion'];
const DELIVERY_TIMEOUT_MS = 5000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

// HubSpot signs the URI with these percent-encodings decoded.
const DECODED: Record<string, string> = { '3A': ':', '2F': '/', '3F': '?', '40': '@', '21': '!', '24': '$', '27': "'", '28': '(', '29': ')', '2A': '*', '2C': ',', '3B': ';' };

export function signedUri(uri: string): string {
  return uri.replace(/%([0-9A-Fa-f]{2})/g, (match, hex: string) => DECODED[hex.toUpperCase()] ?? match);
}

export function signatureV3(clientSecret: string, method: string, uri: string, body: string, timestamp: number): string {
  return createHmac('sha256', clientSecret).update(`${method}${signedUri(uri)}${body}${timestamp}`).digest('base64');
}

export function signatureV1(clientSecret: string, body: string): string {
  return createHash('sha256').update(`${clientSecret}${body}`).digest('hex');
}

/** Throws unless the URL is http(s) on a loopback host. */
export function assertLoopback(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Webhook target ${url} is not a URL`);
  }
  const host = parsed.hostname;
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !(LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host))) {
    throw new Error(`Webhook target ${url} refused: the emulator delivers to loopback addresses only`);
  }
}

export type PendingEvent = Omit<WebhookEvent, 'eventId' | 'subscriptionId' | 'portalId' | 'appId' | 'attemptNumber'>;

export class WebhookSubscription {
  readonly targetUrl: string;
  readonly appId: number;
  readonly clientSecret: string;
  readonly maxEventsPerRequest: number;
  readonly maxRetries: number;
  readonly retryDelayMs: number;
  private readonly types: Set<WebhookSubscriptionType>;
  private readonly propertyNames: Set<string> | null;
  private readonly subscriptionIds = new Map<string, number>();
  buffer: WebhookEvent[] = [];

  constructor(options: WebhookSubscriptionOptions, defaultSecret: string, nextSubscriptionId: () => number) {
    assertLoopback(options.targetUrl);
    const secret = options.clientSecret ?? defaultSecret;
    if (!secret) throw new Error('A webhook subscription needs a clientSecret (or the emulator webhookSecret option)');
    this.targetUrl = options.targetUrl;
    this.appId = options.appId;
    this.clientSecret = secret;
    this.maxEventsPerRequest = Math.max(1, Math.min(100, options.maxEventsPerRequest ?? 100));
    this.maxRetries = Math.max(0, options.maxRetries ?? 0);
    this.retryDelayMs = Math.max(0, options.retryDelayMs ?? 0);
    this.types = new Set(options.events ?? ALL_TYPES);
    this.propertyNames = options.propertyNames ? new Set(options.propertyNames) : null;
    for (const type of ALL_TYPES) this.subscriptionIds.set(type, nextSubscriptionId());
  }

  wants(event: PendingEvent): boolean {
    if (!this.types.has(event.subscriptionType)) return false;
    return event.subscriptionType !== 'contact.propertyChange' || this.propertyNames === null || this.propertyNames.has(event.propertyName ?? '');
  }

  subscriptionId(type: WebhookSubscriptionType): number {
    return this.subscriptionIds.get(type) ?? 0;
  }
}

export interface SendResult {
  status: number | null;
  responseBody: string;
  error: string | null;
}

/** One signed POST; never throws. */
export async function postSigned(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/)', ...headers },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    return { status: response.status, responseBody: await response.text(), error: null };
  } catch (error) {
    return { status: null, responseBody: '', error: error instanceof Error ? error.message : String(error) };
  }
}

export function signedHeaders(clientSecret: string, url: string, body: string, timestamp: number): Record<string, string> {
  return {
    'X-HubSpot-Signature-v3': signatureV3(clientSecret, 'POST', url, body, timestamp),
    'X-HubSpot-Request-Timestamp': String(timestamp),
    'X-HubSpot-Signature': signatureV1(clientSecret, body),
    'X-HubSpot-Signature-Version': 'v1',
  };
}

/** Batches buffered events per subscription and delivers them; tracks what is in flight. */
export class WebhookDispatcher {
  private readonly pending = new Set<Promise<void>>();
  private scheduled = false;
  private readonly dirty = new Map<WebhookSubscription, (delivery: WebhookDelivery) => void>();
  private lastEventId = 0;
  private lastSubscriptionId = 0;
  closing = false;

  nextSubscriptionId = (): number => ++this.lastSubscriptionId;

  enqueue(portalId: number, subscription: WebhookSubscription, event: PendingEvent, record: (delivery: WebhookDelivery) => void): void {
    subscription.buffer.push({
      ...event,
      eventId: ++this.lastEventId,
      subscriptionId: subscription.subscriptionId(event.subscriptionType),
      portalId,
      appId: subscription.appId,
      attemptNumber: 0,
    });
    this.dirty.set(subscription, record);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const work = [...this.dirty];
    this.dirty.clear();
    for (const [subscription, record] of work) {
      const events = subscription.buffer;
      subscription.buffer = [];
      for (let i = 0; i < events.length; i += subscription.maxEventsPerRequest) {
        this.track(this.deliver(subscription, events.slice(i, i + subscription.maxEventsPerRequest), 0, record));
      }
    }
  }

  track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private async deliver(subscription: WebhookSubscription, events: WebhookEvent[], attempt: number, record: (delivery: WebhookDelivery) => void): Promise<void> {
    if (this.closing) return;
    const stamped = events.map((event) => ({ ...event, attemptNumber: attempt }));
    const body = JSON.stringify(stamped);
    const timestamp = Date.now();
    const headers = signedHeaders(subscription.clientSecret, subscription.targetUrl, body, timestamp);
    const result = await postSigned(subscription.targetUrl, body, headers);
    record({
      url: subscription.targetUrl,
      events: stamped,
      body,
      timestamp,
      signatureV3: headers['X-HubSpot-Signature-v3'] ?? '',
      attemptNumber: attempt,
      status: result.status,
      error: result.error,
    });
    const failed = result.status === null || result.status >= 500;
    if (failed && attempt < subscription.maxRetries && !this.closing) {
      if (subscription.retryDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, subscription.retryDelayMs));
      await this.deliver(subscription, events, attempt + 1, record);
    }
  }

  /** Resolves once nothing is buffered, scheduled or in flight. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.scheduled) await new Promise((resolve) => setImmediate(resolve));
      if (this.pending.size === 0 && !this.scheduled) return;
      await Promise.allSettled([...this.pending]);
    }
  }

  nextEventId(): number {
    return ++this.lastEventId;
  }
}
