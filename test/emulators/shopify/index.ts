// Shopify Admin GraphQL emulator for tests and the demo: see emulator.ts and types.ts.
export { createShopifyEmulator } from './emulator.ts';
export { ADMIN_API_VERSION } from './schema-loader.ts';
export { adminHost, signQuery, type EmulatorApp } from './app-install.ts';
export { signSessionToken, verifySessionToken, type SessionTokenInput } from './session-token.ts';
export type {
  BulkFailFault,
  BulkMutationLineErrorsFault,
  BulkOperationSnapshot,
  CustomerPatch,
  CustomerSnapshot,
  DropFault,
  EmailMarketingState,
  EmulatorOptions,
  Fault,
  FaultTarget,
  GraphqlErrorFault,
  HttpFault,
  MarketingOptInLevel,
  OrderPatch,
  SeedCustomer,
  SeedData,
  SeedLineItem,
  SeedOrder,
  SeedRefund,
  SeedResult,
  SegmentSnapshot,
  ShopifyEmulator,
  ShopOptions,
  ShopStats,
} from './types.ts';
