// Money values as the Admin API returns them: decimal strings in MoneyV2 / MoneyBag objects.

export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  shopMoney: MoneyV2;
  presentmentMoney: MoneyV2;
}

/** Shopify style decimal: at most two decimals, at least one ("10.0", "29.9", "29.99"). */
export function formatDecimal(value: number): string {
  const cents = Math.round(value * 100);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const fraction = abs % 100;
  if (fraction === 0) return `${sign}${whole}.0`;
  if (fraction % 10 === 0) return `${sign}${whole}.${fraction / 10}`;
  return `${sign}${whole}.${String(fraction).padStart(2, '0')}`;
}

export function moneyV2(amount: number, currencyCode: string): MoneyV2 {
  return { amount: formatDecimal(amount), currencyCode };
}

export function moneyBag(amount: number, currencyCode: string): MoneyBag {
  const money = moneyV2(amount, currencyCode);
  return { shopMoney: money, presentmentMoney: money };
}
