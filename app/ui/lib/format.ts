// Number, money, share, date and duration formatting for the admin UI. Pure: the locale, time
// zone and clock are parameters (defaults: en-US, the browser's zone), so tests pin them.

const LOCALE = 'en-US';

export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value == null || !Number.isFinite(value)) return '—';
  return value.toLocaleString(LOCALE, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Short form for axes and tight cells: 950, 1.2K, 34K, 1.5M. */
export function formatCompact(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs < 1000) return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(abs < 10 ? 2 : 1)));
  const units: Array<[number, string]> = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const scaled = value / size;
      const text = Math.abs(scaled) >= 100 ? scaled.toFixed(0) : scaled.toFixed(1).replace(/\.0$/, '');
      return `${text}${suffix}`;
    }
  }
  return String(value);
}

/** Money without a currency symbol (the API reports amounts in the shop's currency): 1,234.50. */
export function formatMoney(value: number | null | undefined): string {
  return formatNumber(value, 2);
}

/** A 0..1 share as a percentage: 0.1234 -> "12.3%". */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share == null || !Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(digits)}%`;
}

/** A difference of proportions in percentage points, signed: 0.021 -> "+2.1 pts". */
export function formatPoints(diff: number | null | undefined, digits = 1): string {
  if (diff == null || !Number.isFinite(diff)) return '—';
  const points = diff * 100;
  const text = Math.abs(points).toFixed(digits);
  const sign = points > 0 && Number(text) !== 0 ? '+' : points < 0 && Number(text) !== 0 ? '−' : '';
  return `${sign}${text} pts`;
}

/** A signed amount: 1.5 -> "+1.50", -2 -> "−2.00". */
export function formatSignedMoney(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const text = formatMoney(Math.abs(value));
  if (Number(Math.abs(value).toFixed(2)) === 0) return text;
  return `${value > 0 ? '+' : '−'}${text}`;
}

export function formatDecimal(value: number | null | undefined, digits = 3): string {
  if (value == null || !Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}

export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(LOCALE, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone });
}

export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(LOCALE, { year: 'numeric', month: 'short', day: 'numeric', timeZone });
}

/** 850 -> "850 ms", 4200 -> "4.2 s", 125000 -> "2 min 5 s", 4000000 -> "1 h 6 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1).replace(/\.0$/, '')} s`;
  const totalSeconds = Math.round(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min${totalSeconds % 60 ? ` ${totalSeconds % 60} s` : ''}`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago", or "in 4 hours" for the future. */
export function formatRelative(iso: string | null | undefined, now: Date): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const diff = now.getTime() - ms;
  const future = diff < 0;
  const abs = Math.abs(diff);
  const phrase = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  let text: string;
  if (abs < 45_000) return 'just now';
  if (abs < 3_600_000) text = phrase(Math.max(1, Math.round(abs / 60_000)), 'minute');
  else if (abs < 86_400_000) text = phrase(Math.round(abs / 3_600_000), 'hour');
  else text = phrase(Math.round(abs / 86_400_000), 'day');
  return future ? `in ${text}` : `${text} ago`;
}

/** "1 customer", "2 customers". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : pluralForm}`;
}
