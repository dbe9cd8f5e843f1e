// One shop's customers. Customers are far fewer than orders and their tags change, so each is a
// small object; timestamps are epoch milliseconds (whole seconds).
import { formatTimestamp, nowSeconds, parseTimestamp } from './columns.ts';
import { toGid } from './gid.ts';
import { ChangeLog } from './sorted-cache.ts';
import type { CustomerPatch, CustomerSnapshot, EmailMarketingState, MarketingOptInLevel, SeedCustomer } from './types.ts';

export interface CustomerRecord {
  readonly id: number;
  readonly index: number;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  marketingState: EmailMarketingState;
  marketingOptInLevel: MarketingOptInLevel | null;
  marketingUpdatedAt: number;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

export type CustomerSortKey = 'ID' | 'CREATED_AT' | 'UPDATED_AT' | 'NAME';

export class CustomerStore {
  readonly list: CustomerRecord[] = [];
  readonly byId = new Map<number, CustomerRecord>();
  /** Positions added or changed, so cached sort orders can catch up. */
  readonly changes = new ChangeLog();
  private maxId = 0;

  get count(): number {
    return this.list.length;
  }

  add(seed: SeedCustomer): CustomerRecord {
    const id = seed.id ?? this.maxId + 1;
    if (this.byId.has(id)) throw new Error(`Customer ${id} already exists`);
    this.maxId = Math.max(this.maxId, id);
    const createdAt = parseTimestamp(seed.createdAt);
    const state = seed.marketingState ?? 'NOT_SUBSCRIBED';
    const record: CustomerRecord = {
      id,
      index: this.list.length,
      email: seed.email,
      firstName: seed.firstName ?? null,
      lastName: seed.lastName ?? null,
      marketingState: state,
      marketingOptInLevel: seed.marketingOptInLevel ?? (state === 'SUBSCRIBED' ? 'SINGLE_OPT_IN' : null),
      marketingUpdatedAt: seed.marketingUpdatedAt ? parseTimestamp(seed.marketingUpdatedAt) : Number.NaN,
      tags: dedupeTags(seed.tags ?? []),
      createdAt,
      updatedAt: seed.updatedAt ? parseTimestamp(seed.updatedAt) : createdAt,
    };
    this.list.push(record);
    this.byId.set(id, record);
    this.changes.record(record.index);
    return record;
  }

  update(record: CustomerRecord, patch: CustomerPatch): void {
    if (patch.email !== undefined) record.email = patch.email;
    if (patch.firstName !== undefined) record.firstName = patch.firstName;
    if (patch.lastName !== undefined) record.lastName = patch.lastName;
    if (patch.marketingState !== undefined) {
      record.marketingState = patch.marketingState;
      record.marketingUpdatedAt = nowSeconds();
    }
    if (patch.marketingOptInLevel !== undefined) record.marketingOptInLevel = patch.marketingOptInLevel;
    if (patch.marketingUpdatedAt !== undefined) record.marketingUpdatedAt = parseTimestamp(patch.marketingUpdatedAt);
    if (patch.tags !== undefined) record.tags = dedupeTags(patch.tags);
    if (patch.createdAt !== undefined) record.createdAt = parseTimestamp(patch.createdAt);
    record.updatedAt = patch.updatedAt ? parseTimestamp(patch.updatedAt) : nowSeconds();
    this.changes.record(record.index);
  }

  touch(record: CustomerRecord): void {
    record.updatedAt = nowSeconds();
    this.changes.record(record.index);
  }
}

/** Case-insensitive dedupe keeping the first spelling, as Shopify does. */
export function dedupeTags(tags: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag === '') continue;
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

export function displayName(record: CustomerRecord): string {
  const name = [record.firstName, record.lastName].filter((part) => part != null && part !== '').join(' ');
  return name !== '' ? name : (record.email ?? '');
}

export function customerSnapshot(record: CustomerRecord): CustomerSnapshot {
  return {
    id: toGid('Customer', record.id),
    legacyId: record.id,
    email: record.email,
    firstName: record.firstName,
    lastName: record.lastName,
    marketingState: record.marketingState,
    tags: [...record.tags],
    createdAt: formatTimestamp(record.createdAt) ?? '',
    updatedAt: formatTimestamp(record.updatedAt) ?? '',
  };
}
