// Public types of the HubSpot CRM emulator: portals, seed contacts, faults, webhooks, stats and
// the handle returned by createHubSpotEmulator.
import type { OAuthAppOptions } from './oauth.ts';

/** A property value as tests may give it; stored and answered as a string, as HubSpot does. */
export type SeedValue = string | number | boolean | null | undefined;

export interface SeedContact {
  /** Numeric record id; assigned (highest id + 1) when omitted. */
  id?: number | string;
  email: string;
  firstname?: string | null;
  lastname?: string | null;
  lifecyclestage?: string | null;
  /** ISO date-time or epoch milliseconds; defaults to now. */
  createdate?: string | number;
  /** ISO date-time or epoch milliseconds; defaults to createdate. */
  lastmodifieddate?: string | number;
  /** Any other contact property (hs_email_open, hs_analytics_num_visits, ...). Unknown names are defined as text properties. */
  [property: string]: SeedValue;
}

export interface SeedData {
  contacts?: Iterable<SeedContact>;
}

export interface SeedResult {
  contacts: number;
  /** Ids given to the seeded contacts, in seed order. */
  ids: string[];
}

export interface PortalOptions {
  accessToken: string;
  /** Ten-second rolling limit: 100 (Free/Starter private apps), 190 (Pro/Enterprise), 110 (OAuth) or any number. */
  requestsPerTenSeconds?: number;
  /** Daily limit reported in X-HubSpot-RateLimit-Daily and enforced (policy DAILY); 250,000 by default. */
  dailyLimit?: number;
  /** Search requests per second; 5 by default. */
  searchRequestsPerSecond?: number;
}

export interface EmulatorOptions {
  /** Port to listen on (127.0.0.1); 0 or omitted picks a free one. */
  port?: number;
  /** Default ten-second limit for portals; 100 by default. */
  requestsPerTenSeconds?: number;
  /** Default client secret used to sign webhook deliveries when a subscription gives none. */
  webhookSecret?: string;
}

export type FaultStatus = 429 | 500 | 502 | 503 | 504;

interface FaultBase {
  /** Only requests whose path starts with this (e.g. '/crm/v3/objects/contacts/search'); any by default. */
  pathPrefix?: string;
  /** Only requests with this method; any by default. */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** How many matching requests it hits; 1 by default. */
  times?: number;
}

export interface HttpFault extends FaultBase {
  kind: 'http';
  status: FaultStatus;
  /** For 429: the policy named in the body; TEN_SECONDLY_ROLLING by default. */
  policyName?: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';
}

export interface DropFault extends FaultBase {
  /** Destroys the socket without an answer. */
  kind: 'drop';
}

export interface DelayFault extends FaultBase {
  /** Answers normally after a pause, for client timeout tests. */
  kind: 'delay';
  ms: number;
}

export type Fault = HttpFault | DropFault | DelayFault;

export type WebhookSubscriptionType = 'contact.creation' | 'contact.propertyChange' | 'contact.deletion' | 'contact.privacyDeletion';

export interface WebhookSubscriptionOptions {
  /** Loopback URL (127.0.0.1, ::1 or localhost) that receives the POSTs. */
  targetUrl: string;
  appId: number;
  /** The app's client secret; defaults to the emulator's webhookSecret option. */
  clientSecret?: string;
  /** Event types delivered; all four by default. */
  events?: WebhookSubscriptionType[];
  /** For contact.propertyChange: only these properties; all by default. */
  propertyNames?: string[];
  /** Events per POST (HubSpot sends up to 100); 100 by default. */
  maxEventsPerRequest?: number;
  /** Extra attempts after a failed delivery (5xx, network error, timeout); 0 by default. */
  maxRetries?: number;
  /** Pause before a retry; 0 by default. */
  retryDelayMs?: number;
}

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: WebhookSubscriptionType;
  attemptNumber: number;
  objectId: number;
  changeSource: string;
  propertyName?: string;
  propertyValue?: string;
  changeFlag?: string;
  sourceId?: string;
}

export interface WebhookDelivery {
  url: string;
  events: WebhookEvent[];
  body: string;
  timestamp: number;
  signatureV3: string;
  attemptNumber: number;
  /** HTTP status of the receiver's answer; null when the request failed. */
  status: number | null;
  error: string | null;
}

export interface CustomWebhookOptions {
  /** Events to send; each is completed with defaults (ids, portalId, appId, occurredAt ...). */
  events?: Partial<WebhookEvent>[];
  /** Raw body to send instead of the serialised events. */
  body?: string;
  /** X-HubSpot-Request-Timestamp (ms); now by default. Pass an old one for a stale request. */
  timestamp?: number;
  /** Sent as X-HubSpot-Signature-v3 instead of the correct signature. */
  signature?: string;
  /** Signs with this secret instead of the subscription's. */
  signWithSecret?: string;
  /** Leaves the signature header out. */
  omitSignature?: boolean;
  /** Sends to this loopback URL instead of the subscription's targetUrl. */
  targetUrl?: string;
}

export interface CustomWebhookResult {
  status: number;
  responseBody: string;
  url: string;
  body: string;
  timestamp: number;
  signatureV3: string | null;
}

export interface PortalStats {
  /** Authenticated requests let through the rate limits and answered by a handler. */
  requests: number;
  /** Those requests by kind ('contacts.search', 'lists.membershipsAdd', ...). */
  requestsByKind: Record<string, number>;
  /** Every 429 sent (rate limits and injected faults). */
  tooManyRequests: number;
  /** 429s sent by the rate limits, by policy name. */
  rateLimitedByPolicy: { TEN_SECONDLY_ROLLING: number; SECONDLY: number; DAILY: number };
  /** Requests answered by an injected fault. */
  faults: number;
  /** Responses with a 4xx status other than 401 and 429. */
  clientErrors: number;
  /** Most requests accepted within any rolling ten-second window. */
  peakRequestsPerTenSeconds: number;
  /** Most search requests accepted within any rolling one-second window. */
  peakSearchRequestsPerSecond: number;
  /** Webhook POSTs attempted (including retries and custom deliveries). */
  webhookDeliveries: number;
}

export interface ContactSnapshot {
  id: string;
  /** Every property with a value, as strings. */
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface ListSnapshot {
  listId: string;
  name: string;
  processingType: 'MANUAL' | 'SNAPSHOT' | 'DYNAMIC';
  objectTypeId: string;
  size: number;
  listVersion: number;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
}

export interface PropertySnapshot {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  options: { label: string; value: string; displayOrder: number; hidden: boolean }[];
  hubspotDefined: boolean;
  readOnlyValue: boolean;
  archived: boolean;
}

export interface PropertyGroupSnapshot {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export interface HubSpotEmulator {
  readonly origin: string;
  close(): Promise<void>;
  /** The public app whose OAuth installs the emulator approves (for one portal): see oauth.ts. */
  configureOAuthApp(app: OAuthAppOptions): void;
  /** Authorization codes exchanged and refreshes done. */
  oauthStats(): { authorizationCodes: number; refreshes: number };
  addPortal(portalId: number, options: PortalOptions): void;
  seed(portalId: number, data: SeedData): Promise<SeedResult>;
  /** Changes properties as HubSpot itself would (read-only ones included; unknown names throw): bumps lastmodifieddate when a value changes, fires webhooks. */
  updateContact(portalId: number, id: number | string, properties: Record<string, SeedValue>, options?: { changeSource?: string }): ContactSnapshot;
  /** Archives a contact as if deleted in HubSpot; fires contact.deletion. */
  deleteContact(portalId: number, id: number | string): void;
  listContacts(portalId: number, options?: { includeArchived?: boolean }): ContactSnapshot[];
  getContactByEmail(portalId: number, email: string): ContactSnapshot | null;
  listLists(portalId: number, options?: { includeDeleted?: boolean }): ListSnapshot[];
  /** Record ids of a list's members, ascending. */
  listMembers(portalId: number, listId: number | string): string[];
  listProperties(portalId: number): PropertySnapshot[];
  listPropertyGroups(portalId: number): PropertyGroupSnapshot[];
  stats(portalId: number): PortalStats;
  injectFault(portalId: number, fault: Fault): void;
  clearFaults(portalId: number): void;
  subscribeWebhooks(portalId: number, options: WebhookSubscriptionOptions): void;
  unsubscribeWebhooks(portalId: number): void;
  /** Waits until every queued webhook delivery (and retry) has finished. */
  flushWebhooks(): Promise<void>;
  webhookDeliveries(portalId: number): WebhookDelivery[];
  /** Sends one hand-made, possibly mis-signed delivery to the portal's subscription (or targetUrl). */
  sendCustomWebhook(portalId: number, options?: CustomWebhookOptions): Promise<CustomWebhookResult>;
}
