// Visitor consent as the pixel sees it: the status at page render (init.customerPrivacy) and the
// changes published on the customerPrivacy bus (visitorConsentCollected). Only analytics
// processing matters here; anything but an explicit `true` counts as not allowed.

export const CONSENT_EVENT = 'visitorConsentCollected';

export type ConsentChange = 'granted' | 'withdrawn' | 'unchanged';

/** Whether a customerPrivacy status (or a bus payload `{ customerPrivacy }`) allows analytics. */
export function analyticsAllowed(status: unknown): boolean {
  if (typeof status !== 'object' || status === null) return false;
  const record = status as Record<string, unknown>;
  const inner = record.customerPrivacy;
  if (typeof inner === 'object' && inner !== null) return (inner as Record<string, unknown>).analyticsProcessingAllowed === true;
  return record.analyticsProcessingAllowed === true;
}

export interface Consent {
  readonly allowed: boolean;
  /** Applies a visitorConsentCollected payload and says what changed. */
  update(payload: unknown): ConsentChange;
}

export function createConsent(initial: unknown): Consent {
  let allowed = analyticsAllowed(initial);
  return {
    get allowed() {
      return allowed;
    },
    update(payload) {
      const next = analyticsAllowed(payload);
      if (next === allowed) return 'unchanged';
      allowed = next;
      return next ? 'granted' : 'withdrawn';
    },
  };
}
