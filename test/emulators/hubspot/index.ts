// HubSpot CRM emulator for tests and the demo: see emulator.ts and types.ts.
export { createHubSpotEmulator } from './emulator.ts';
export { signatureV3 } from './webhooks.ts';
export type {
  ContactSnapshot,
  CustomWebhookOptions,
  CustomWebhookResult,
  DelayFault,
  DropFault,
  EmulatorOptions,
  Fault,
  FaultStatus,
  HttpFault,
  HubSpotEmulator,
  ListSnapshot,
  PortalOptions,
  PortalStats,
  PropertyGroupSnapshot,
  PropertySnapshot,
  SeedContact,
  SeedData,
  SeedResult,
  SeedValue,
  WebhookDelivery,
  WebhookEvent,
  WebhookSubscriptionOptions,
  WebhookSubscriptionType,
} from './types.ts';
