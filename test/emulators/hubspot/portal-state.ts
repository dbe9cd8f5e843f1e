// Everything one portal (tenant) owns: properties, contacts, lists, rate-limit windows, faults,
// webhook subscriptions and stats; and the contact operations that fire webhooks, shared by the
// HTTP handlers and the emulator handle.
import { ContactStore } from './contact-store.ts';
import type { ContactRecord, PropertyChange } from './contact-store.ts';
import { FaultQueue } from './faults.ts';
import { matchesBranch } from './list-filters.ts';
import { ListStore } from './list-store.ts';
import type { ListRecord } from './list-store.ts';
import { PropertyStore } from './property-store.ts';
import { RollingWindow } from './rolling-window.ts';
import type { PortalStats, WebhookDelivery } from './types.ts';
import type { PendingEvent, WebhookDispatcher, WebhookSubscription } from './webhooks.ts';

export const TEN_SECONDS_MS = 10_000;
/** changeSource of changes made through the API. */
export const API_CHANGE_SOURCE = 'INTEGRATION';

export interface PortalConfig {
  portalId: number;
  accessToken: string;
  requestsPerTenSeconds: number;
  dailyLimit: number;
  searchRequestsPerSecond: number;
}

export type MutableStats = Omit<PortalStats, 'peakRequestsPerTenSeconds' | 'peakSearchRequestsPerSecond' | 'requestsByKind'>;

export class PortalState {
  readonly portalId: number;
  readonly accessToken: string;
  readonly dailyLimit: number;
  readonly properties = new PropertyStore();
  readonly contacts = new ContactStore();
  readonly lists = new ListStore();
  readonly faults = new FaultQueue();
  readonly tenSecondly: RollingWindow;
  readonly secondlySearch: RollingWindow;
  dailyCount = 0;
  readonly stats: MutableStats = {
    requests: 0,
    tooManyRequests: 0,
    rateLimitedByPolicy: { TEN_SECONDLY_ROLLING: 0, SECONDLY: 0, DAILY: 0 },
    faults: 0,
    clientErrors: 0,
    webhookDeliveries: 0,
  };
  readonly requestsByKind = new Map<string, number>();
  /** The last search's ordered matches, reused by its next pages while contacts are unchanged. */
  searchCache: { key: string; version: number; records: ContactRecord[] } | null = null;
  subscriptions: WebhookSubscription[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  private readonly dispatcher: WebhookDispatcher;

  constructor(config: PortalConfig, dispatcher: WebhookDispatcher) {
    this.portalId = config.portalId;
    this.accessToken = config.accessToken;
    this.dailyLimit = config.dailyLimit;
    this.tenSecondly = new RollingWindow(config.requestsPerTenSeconds, TEN_SECONDS_MS);
    this.secondlySearch = new RollingWindow(config.searchRequestsPerSecond, 1000);
    this.dispatcher = dispatcher;
  }

  countRequest(kind: string): void {
    this.stats.requests++;
    this.requestsByKind.set(kind, (this.requestsByKind.get(kind) ?? 0) + 1);
  }

  publicStats(): PortalStats {
    return {
      ...this.stats,
      rateLimitedByPolicy: { ...this.stats.rateLimitedByPolicy },
      requestsByKind: Object.fromEntries([...this.requestsByKind].sort(([a], [b]) => a.localeCompare(b))),
      peakRequestsPerTenSeconds: this.tenSecondly.peak,
      peakSearchRequestsPerSecond: this.secondlySearch.peak,
    };
  }

  recordDelivery = (delivery: WebhookDelivery): void => {
    this.stats.webhookDeliveries++;
    this.deliveries.push(delivery);
  };

  private emit(event: PendingEvent): void {
    for (const subscription of this.subscriptions) {
      if (subscription.wants(event)) this.dispatcher.enqueue(this.portalId, subscription, event, this.recordDelivery);
    }
  }

  createContact(values: Map<string, string>, changeSource: string, options: { id?: number; createdAt?: number; updatedAt?: number; silent?: boolean } = {}): ContactRecord {
    const record = this.contacts.create(values, { ...options, sourceType: changeSource === API_CHANGE_SOURCE ? 'API' : changeSource });
    if (!options.silent) this.emit({ subscriptionType: 'contact.creation', objectId: record.id, occurredAt: record.createdAt, changeSource });
    return record;
  }

  updateContact(record: ContactRecord, values: Map<string, string>, changeSource: string): PropertyChange[] {
    const changes = this.contacts.update(record, values, changeSource === API_CHANGE_SOURCE ? 'API' : changeSource);
    for (const change of changes) {
      this.emit({
        subscriptionType: 'contact.propertyChange',
        objectId: record.id,
        occurredAt: record.updatedAt,
        changeSource,
        propertyName: change.name,
        propertyValue: change.value,
      });
    }
    return changes;
  }

  archiveContact(record: ContactRecord, changeSource: string): void {
    this.contacts.archive(record);
    this.lists.forgetRecord(record.id);
    this.emit({ subscriptionType: 'contact.deletion', objectId: record.id, occurredAt: Date.now(), changeSource });
  }

  purgeContact(record: ContactRecord, changeSource: string): void {
    this.contacts.purge(record);
    this.lists.forgetRecord(record.id);
    this.emit({ subscriptionType: 'contact.privacyDeletion', objectId: record.id, occurredAt: Date.now(), changeSource });
  }

  /** [recordId, joinedAt] of a list's members, ascending by record id (don't modify); DYNAMIC lists are evaluated now. */
  membersOf(list: ListRecord): [number, number][] {
    if (list.processingType === 'DYNAMIC' && list.filterBranch) {
      const branch = list.filterBranch;
      return this.contacts
        .all()
        .filter((record) => matchesBranch(branch, record.values))
        .map((record): [number, number] => [record.id, Math.max(list.filtersUpdatedAt, record.updatedAt)]);
    }
    return this.lists.sortedMembers(list);
  }

  /** Fills a new SNAPSHOT list from its filters, once. */
  snapshot(list: ListRecord): void {
    if (list.processingType !== 'SNAPSHOT' || !list.filterBranch) return;
    const branch = list.filterBranch;
    for (const record of this.contacts.all()) if (matchesBranch(branch, record.values)) this.lists.addMember(list, record.id, list.createdAt);
  }
}
