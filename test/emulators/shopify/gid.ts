// Shopify global ids: gid://shopify/<Type>/<number>.

export function toGid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

export interface ParsedGid {
  type: string;
  id: number;
}

export function parseGid(value: string): ParsedGid | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  if (!match || match[1] === undefined || match[2] === undefined) return null;
  return { type: match[1], id: Number(match[2]) };
}

/** Accepts a GID of the given type or a bare number; null when it is neither. */
export function numericId(value: string | number, type: string): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (/^\d+$/.test(value)) return Number(value);
  const parsed = parseGid(value);
  return parsed && parsed.type === type ? parsed.id : null;
}
