// The checks of the data quality report: ids, thresholds and plain-words findings. Shares are
// strict thresholds: a share above `warning` is a warning, above `problem` a problem. See
// quality.md for why each threshold is where it is.

export type Severity = 'ok' | 'warning' | 'problem';

export type QualityCheckId =
  | 'people-without-email'
  | 'invalid-emails'
  | 'shopify-customers-sharing-email'
  | 'duplicate-email-contacts'
  | 'guest-orders'
  | 'cancelled-orders'
  | 'test-orders'
  | 'zero-value-orders'
  | 'currency-mix'
  | 'stale-sources'
  | 'unparseable-dates';

export interface QualityCheck {
  id: QualityCheckId;
  title: string;
  /** False when the inputs cannot answer the check (count, total and share are then null). */
  available: boolean;
  count: number | null;
  /** What the share is a share of. */
  total: number | null;
  /** count / total; 0 when total is 0. */
  share: number | null;
  severity: Severity;
  /** One line in plain words. */
  finding: string;
}

/** Strict share thresholds; `problem: null` means the check never goes beyond a warning. */
export interface Thresholds {
  warning: number;
  problem: number | null;
}

/** The checks judged by the share of affected records against thresholds. */
export type RatioCheckId = Exclude<QualityCheckId, 'test-orders' | 'currency-mix' | 'stale-sources'>;

export const DEFAULT_THRESHOLDS: Readonly<Record<RatioCheckId, Thresholds>> = {
  'people-without-email': { warning: 0.05, problem: 0.25 },
  'invalid-emails': { warning: 0.01, problem: 0.05 },
  'shopify-customers-sharing-email': { warning: 0.02, problem: null },
  'duplicate-email-contacts': { warning: 0.01, problem: 0.1 },
  'guest-orders': { warning: 0.2, problem: 0.5 },
  'cancelled-orders': { warning: 0.1, problem: 0.25 },
  'zero-value-orders': { warning: 0.05, problem: 0.2 },
  'unparseable-dates': { warning: 0, problem: 0.01 },
};

/** Currency mix: a warning with more than one currency, a problem when other currencies exceed this share. */
export const CURRENCY_MIX_PROBLEM_SHARE = 0.1;
/** Stale sources: a problem when a source is older than this many times its threshold. */
export const STALE_PROBLEM_FACTOR = 4;

const RANK: Record<Severity, number> = { ok: 0, warning: 1, problem: 2 };

export function worstSeverity(severities: Iterable<Severity>): Severity {
  let worst: Severity = 'ok';
  for (const severity of severities) if (RANK[severity] > RANK[worst]) worst = severity;
  return worst;
}

export function ratio(count: number, total: number): number {
  return total > 0 ? count / total : 0;
}

export function severityOf(count: number, total: number, thresholds: Thresholds): Severity {
  if (count === 0) return 'ok';
  const share = ratio(count, total);
  if (thresholds.problem !== null && share > thresholds.problem) return 'problem';
  return share > thresholds.warning ? 'warning' : 'ok';
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** "1 order" / "3 orders". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A check judged by a share against thresholds. */
export function ratioCheck(
  id: RatioCheckId,
  title: string,
  count: number,
  total: number,
  thresholds: Thresholds,
  finding: (share: number) => string,
): QualityCheck {
  const share = ratio(count, total);
  return { id, title, available: true, count, total, share, severity: severityOf(count, total, thresholds), finding: finding(share) };
}

export function unavailableCheck(id: QualityCheckId, title: string, finding: string): QualityCheck {
  return { id, title, available: false, count: null, total: null, share: null, severity: 'ok', finding };
}
