// The slice of App Bridge's `shopify` global the UI uses (the script tag in the HTML shell defines
// it: Shopify's CDN in production, the emulator's stand-in in tests and the demo).
export {};

declare global {
  interface ShopifyGlobal {
    /** A fresh session token (JWT) for the current shop and user. */
    idToken(): Promise<string>;
    toast?: { show(message: string, options?: { isError?: boolean; duration?: number }): void };
  }
  interface Window {
    shopify?: ShopifyGlobal;
  }
}
