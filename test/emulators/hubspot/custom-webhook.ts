// Hand-made webhook deliveries for testing receivers: chosen events or raw body, and a wrong,
// missing or foreign-secret signature or a stale timestamp on request.
import type { PortalState } from './portal-state.ts';
import type { CustomWebhookOptions, CustomWebhookResult, WebhookEvent } from './types.ts';
import { assertLoopback, postSigned, signatureV1, signatureV3 } from './webhooks.ts';
import type { WebhookDispatcher } from './webhooks.ts';

export async function customWebhook(portal: PortalState, dispatcher: WebhookDispatcher, options: CustomWebhookOptions): Promise<CustomWebhookResult> {
  const subscription = portal.subscriptions[0];
  const url = options.targetUrl ?? subscription?.targetUrl;
  if (!url) throw new Error(`Portal ${portal.portalId} has no webhook subscription; subscribe first or pass targetUrl`);
  assertLoopback(url);
  const secret = options.signWithSecret ?? subscription?.clientSecret;
  if (secret === undefined && options.signature === undefined && !options.omitSignature) throw new Error('No client secret to sign with; pass signWithSecret or signature');
  const now = Date.now();
  const events: WebhookEvent[] = (options.events ?? [{}]).map((partial) => ({
    eventId: dispatcher.nextEventId(),
    subscriptionId: subscription?.subscriptionId(partial.subscriptionType ?? 'contact.propertyChange') ?? 1,
    portalId: portal.portalId,
    appId: subscription?.appId ?? 1,
    occurredAt: now,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 1,
    changeSource: 'CRM_UI',
    propertyName: 'lifecyclestage',
    propertyValue: 'customer',
    ...partial,
  }));
  const body = options.body ?? JSON.stringify(events);
  const timestamp = options.timestamp ?? now;
  const signature = options.omitSignature ? null : (options.signature ?? signatureV3(secret ?? '', 'POST', url, body, timestamp));
  const headers: Record<string, string> = { 'X-HubSpot-Request-Timestamp': String(timestamp) };
  if (signature !== null) {
    headers['X-HubSpot-Signature-v3'] = signature;
    headers['X-HubSpot-Signature'] = signatureV1(secret ?? '', body);
    headers['X-HubSpot-Signature-Version'] = 'v1';
  }
  const sending = postSigned(url, body, headers);
  dispatcher.track(sending.then(() => undefined));
  const result = await sending;
  portal.recordDelivery({
    url,
    events: options.body === undefined ? events : [],
    body,
    timestamp,
    signatureV3: signature ?? '',
    attemptNumber: 0,
    status: result.status,
    error: result.error,
  });
  if (result.status === null) throw new Error(`Custom webhook delivery to ${url} failed: ${result.error ?? 'no answer'}`);
  return { status: result.status, responseBody: result.responseBody, url, body, timestamp, signatureV3: signature };
}
