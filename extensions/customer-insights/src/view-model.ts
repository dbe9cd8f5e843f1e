// The customer insights block's logic, without Preact or the Shopify host: which customer the block
// is on (the block API's `data.selected`), the app route it fetches, what the answer means, and the
// view model the block renders (texts and badge tones). Tested in Node (view-model.test.ts).
import type { CustomerInsightsResponse, ScoreWithTier } from '../../../app/server/api/api-types.ts';

export type Insights = CustomerInsightsResponse;

/** Badge tones of the admin's web components used here. */
export type Tone = 'auto' | 'neutral' | 'info' | 'success' | 'caution' | 'warning' | 'critical';

export interface SegmentBadge {
  key: string;
  label: string;
  tone: Tone;
  heldOut: boolean;
}

export interface ScoreLine {
  label: string;
  value: string;
  /** A tier badge beside the value, or null. */
  badge: { label: string; tone: Tone } | null;
}

export interface InsightsView {
  known: boolean;
  /** Shown instead of everything else when the customer is not scored. */
  notScored: string | null;
  segments: SegmentBadge[];
  rfmGroup: string | null;
  cluster: { name: string; explanation: string } | null;
  scores: ScoreLine[];
  holdout: string;
  scoredAt: string | null;
}

export type BlockState = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; view: InsightsView };

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/([1-9][0-9]{0,19})$/;

/** The customer the block is on: on customer-details targets `data.selected` holds its GID. */
export function customerIdFromData(data: { selected?: ReadonlyArray<{ id: string }> } | null | undefined): string | null {
  const id = data?.selected?.[0]?.id;
  return typeof id === 'string' && CUSTOMER_GID.test(id) ? id : null;
}

/**
 * The insights route for a customer GID, relative: Shopify resolves a relative fetch URL against the
 * app's application_url and adds `Authorization: Bearer <session token>` to requests to the app's
 * domain, which the route's session-token authentication verifies.
 */
export function insightsPath(customerGid: string): string {
  const match = CUSTOMER_GID.exec(customerGid);
  if (!match) throw new Error(`not a customer GID: ${customerGid}`);
  return `/api/customers/${match[1]}/insights`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the parts of the answer the block relies on; throws on anything else. */
export function parseInsights(json: unknown): Insights {
  if (!isObject(json) || typeof json.customerId !== 'string' || typeof json.known !== 'boolean' || !Array.isArray(json.segments) || !isObject(json.holdout)) {
    throw new Error('the app answered with something that is not customer insights');
  }
  return json as unknown as Insights;
}

const TIER_LABEL = { high: 'High', medium: 'Medium', low: 'Low' } as const;
const PROPENSITY_TONE: Record<ScoreWithTier['tier'], Tone> = { high: 'success', medium: 'info', low: 'neutral' };
const CHURN_TONE: Record<ScoreWithTier['tier'], Tone> = { high: 'critical', medium: 'warning', low: 'success' };
const KIND_TONE: Record<string, Tone> = { rfm: 'info', cluster: 'success', prediction: 'neutral', micro: 'neutral', rule: 'auto' };

export const percent = (p: number): string => `${Math.round(p * 100)} %`;

export function money(amount: number): string {
  return amount.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const DAY_MS = 86_400_000;

/** `2026-03-14 (in 12 days)`, `(today)`, `(5 days ago)` against `now`, whole UTC days. */
export function nextOrderText(day: string, now: Date): string {
  const at = Date.parse(`${day}T00:00:00Z`);
  if (!Number.isFinite(at)) return day;
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const days = Math.round((at - today) / DAY_MS);
  const when = days === 0 ? 'today' : days === 1 ? 'tomorrow' : days > 1 ? `in ${days} days` : days === -1 ? 'yesterday' : `${-days} days ago`;
  return `${day} (${when})`;
}

function tierLine(label: string, score: ScoreWithTier | null, tones: Record<ScoreWithTier['tier'], Tone>): ScoreLine {
  if (!score) return { label, value: 'Not scored', badge: null };
  return { label, value: percent(score.score), badge: { label: TIER_LABEL[score.tier], tone: tones[score.tier] } };
}

export function toView(insights: Insights, now: Date): InsightsView {
  if (!insights.known) {
    return {
      known: false,
      notScored: `Not scored yet${insights.reason ? `: ${insights.reason}` : '.'}`,
      segments: [],
      rfmGroup: null,
      cluster: null,
      scores: [],
      holdout: '',
      scoredAt: null,
    };
  }
  const segments: SegmentBadge[] = insights.segments.map((s) => ({
    key: s.key,
    label: s.heldOut ? `${s.name} (held out)` : s.name,
    tone: s.heldOut ? 'caution' : (KIND_TONE[s.kind ?? ''] ?? 'auto'),
    heldOut: s.heldOut,
  }));
  const heldNames = insights.segments.filter((s) => s.heldOut).map((s) => s.name);
  const heldKeys = insights.holdout.segments.filter((key) => !insights.segments.some((s) => s.heldOut && s.key === key));
  const held = [...heldNames, ...heldKeys];
  const holdout = insights.holdout.heldOut
    ? `In the holdout group of ${held.length === 1 ? '1 segment' : `${held.length} segments`} (${held.join(', ')}): not tagged there, so that the segment's lift can be measured.`
    : 'Not held out of any segment.';
  return {
    known: true,
    notScored: null,
    segments,
    rfmGroup: insights.rfmGroup?.name ?? null,
    cluster: insights.cluster ? { name: insights.cluster.name, explanation: insights.cluster.explanation } : null,
    scores: [
      tierLine('Purchase propensity', insights.purchasePropensity, PROPENSITY_TONE),
      tierLine('Churn risk', insights.churnRisk, CHURN_TONE),
      { label: 'Predicted CLV (12 months)', value: insights.predictedClv === null ? 'Not enough history' : money(insights.predictedClv), badge: null },
      { label: 'Expected next order', value: insights.expectedNextOrderAt === null ? 'No estimate' : nextOrderText(insights.expectedNextOrderAt, now), badge: null },
    ],
    holdout,
    scoredAt: insights.scoredAt,
  };
}

export type FetchLike = (url: string, init?: { headers?: Record<string, string> }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** Fetches and interprets the customer's insights; every failure becomes an error state. */
export async function loadInsights(fetchFn: FetchLike, customerGid: string | null, now: () => Date): Promise<BlockState> {
  if (!customerGid) return { kind: 'error', message: 'This block only works on a customer page.' };
  try {
    const response = await fetchFn(insightsPath(customerGid), { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      if (response.status === 401 || response.status === 403) return { kind: 'error', message: 'The app could not verify this admin session. Reload the page to try again.' };
      if (response.status === 404) return { kind: 'error', message: 'Segment Refinery is not set up for this store yet.' };
      let detail = '';
      try {
        const body = await response.json();
        const message = isObject(body) && isObject(body.error) && typeof body.error.message === 'string' ? body.error.message : '';
        detail = message ? `: ${message}` : '';
      } catch {
        detail = '';
      }
      return { kind: 'error', message: `Segment Refinery could not load this customer's insights (HTTP ${response.status}${detail}).` };
    }
    return { kind: 'ready', view: toView(parseInsights(await response.json()), now()) };
  } catch (error) {
    return { kind: 'error', message: `Segment Refinery could not be reached: ${error instanceof Error ? error.message : String(error)}` };
  }
}
