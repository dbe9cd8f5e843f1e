// createHubSpotEmulator: starts the HTTP server on 127.0.0.1 and returns the handle tests use to
// add portals, seed contacts, inspect what the app wrote, inject faults and drive webhooks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContactRecord } from './contact-store.ts';
import { prepareWrites } from './contact-store.ts';
import { customWebhook } from './custom-webhook.ts';
import { PortalState } from './portal-state.ts';
import { parseTimestamp, toIso } from './property-values.ts';
import { OAuthState } from './oauth.ts';
import { createRequestHandler } from './server.ts';
import type { ServerState } from './server.ts';
import type { ContactSnapshot, EmulatorOptions, HubSpotEmulator, PortalOptions, SeedContact, SeedData, SeedResult, SeedValue } from './types.ts';
import { WebhookDispatcher, WebhookSubscription } from './webhooks.ts';

const DEFAULT_TEN_SECOND_LIMIT = 100;
const DEFAULT_DAILY_LIMIT = 250_000;
const DEFAULT_SEARCH_PER_SECOND = 5;

function snapshot(record: ContactRecord): ContactSnapshot {
  return {
    id: String(record.id),
    properties: Object.fromEntries([...record.values].sort(([a], [b]) => a.localeCompare(b))),
    createdAt: toIso(record.createdAt),
    updatedAt: toIso(record.updatedAt),
    archived: record.archived,
  };
}

function timestampOf(value: SeedValue, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = parseTimestamp(String(value));
  if (ms === null) throw new Error(`Seed ${field} ${String(value)} is neither epoch milliseconds nor an ISO date`);
  return ms;
}

function seedOne(portal: PortalState, contact: SeedContact): ContactRecord {
  const { id, createdate, lastmodifieddate, ...rest } = contact;
  const values = prepareWrites(portal.properties, portal.portalId, rest, 'seed');
  for (const [name, value] of values) if (value === '') values.delete(name);
  const createdAt = timestampOf(createdate, 'createdate');
  const numericId = id === undefined ? undefined : Number(id);
  if (numericId !== undefined && !(Number.isInteger(numericId) && numericId > 0)) throw new Error(`Seed contact id ${String(id)} must be a positive integer`);
  return portal.createContact(values, 'IMPORT', { id: numericId, createdAt, updatedAt: timestampOf(lastmodifieddate, 'lastmodifieddate') ?? createdAt, silent: true });
}

export async function createHubSpotEmulator(options: EmulatorOptions = {}): Promise<HubSpotEmulator> {
  const state: ServerState = { origin: '', portalsById: new Map(), portalsByToken: new Map(), oauth: new OAuthState() };
  const server = createServer(createRequestHandler(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.origin = `http://127.0.0.1:${port}`;
  const dispatcher = new WebhookDispatcher();

  const portalOf = (portalId: number): PortalState => {
    const portal = state.portalsById.get(portalId);
    if (!portal) throw new Error(`Unknown portal ${portalId}; call addPortal first`);
    return portal;
  };
  const contactOf = (portal: PortalState, id: number | string): ContactRecord => {
    const record = portal.contacts.get(String(id));
    if (!record) throw new Error(`Unknown contact ${id} in portal ${portal.portalId}`);
    return record;
  };
  let closed: Promise<void> | null = null;

  return {
    origin: state.origin,
    configureOAuthApp(app): void {
      state.oauth.app = { ...app };
    },
    oauthStats() {
      return { ...state.oauth.stats };
    },
    addPortal(portalId: number, opts: PortalOptions): void {
      if (state.portalsById.has(portalId)) throw new Error(`Portal ${portalId} already exists`);
      if (!opts.accessToken) throw new Error('addPortal needs an accessToken');
      if (state.portalsByToken.has(opts.accessToken)) throw new Error('Another portal already uses this access token');
      const portal = new PortalState(
        {
          portalId,
          accessToken: opts.accessToken,
          requestsPerTenSeconds: opts.requestsPerTenSeconds ?? options.requestsPerTenSeconds ?? DEFAULT_TEN_SECOND_LIMIT,
          dailyLimit: opts.dailyLimit ?? DEFAULT_DAILY_LIMIT,
          searchRequestsPerSecond: opts.searchRequestsPerSecond ?? DEFAULT_SEARCH_PER_SECOND,
        },
        dispatcher,
      );
      state.portalsById.set(portalId, portal);
      state.portalsByToken.set(opts.accessToken, portal);
    },
    async seed(portalId: number, data: SeedData): Promise<SeedResult> {
      const portal = portalOf(portalId);
      const ids: string[] = [];
      for (const contact of data.contacts ?? []) ids.push(String(seedOne(portal, contact).id));
      return { contacts: ids.length, ids };
    },
    updateContact(portalId, id, properties, opts = {}): ContactSnapshot {
      const portal = portalOf(portalId);
      const record = contactOf(portal, id);
      const values = prepareWrites(portal.properties, portalId, properties, 'system');
      portal.updateContact(record, values, opts.changeSource ?? 'CRM_UI');
      return snapshot(record);
    },
    deleteContact(portalId, id): void {
      const portal = portalOf(portalId);
      portal.archiveContact(contactOf(portal, id), 'CRM_UI');
    },
    listContacts(portalId, opts = {}) {
      const portal = portalOf(portalId);
      const live = portal.contacts.all();
      return (opts.includeArchived ? [...live, ...portal.contacts.all(true)] : live).map(snapshot);
    },
    getContactByEmail(portalId, email) {
      const record = portalOf(portalId).contacts.getByEmail(email);
      return record ? snapshot(record) : null;
    },
    listLists(portalId, opts = {}) {
      const portal = portalOf(portalId);
      return portal.lists.all(opts.includeDeleted === true).map((list) => ({
        listId: String(list.listId),
        name: list.name,
        processingType: list.processingType,
        objectTypeId: list.objectTypeId,
        size: portal.membersOf(list).length,
        listVersion: list.listVersion,
        createdAt: toIso(list.createdAt),
        updatedAt: toIso(list.updatedAt),
        deleted: list.deletedAt !== null,
      }));
    },
    listMembers(portalId, listId): string[] {
      const portal = portalOf(portalId);
      const list = portal.lists.find(String(listId));
      if (!list) throw new Error(`Unknown list ${listId} in portal ${portalId}`);
      return portal.membersOf(list).map(([id]) => String(id));
    },
    listProperties(portalId) {
      return portalOf(portalId)
        .properties.list()
        .map((def) => ({
          name: def.name,
          label: def.label,
          type: def.type,
          fieldType: def.fieldType,
          groupName: def.groupName,
          options: def.options.map((o) => ({ label: o.label, value: o.value, displayOrder: o.displayOrder, hidden: o.hidden })),
          hubspotDefined: def.hubspotDefined,
          readOnlyValue: def.readOnlyValue,
          archived: def.archived,
        }));
    },
    listPropertyGroups(portalId) {
      return portalOf(portalId)
        .properties.listGroups()
        .map((group) => ({ ...group }));
    },
    stats(portalId) {
      return portalOf(portalId).publicStats();
    },
    injectFault(portalId, fault): void {
      portalOf(portalId).faults.add(fault);
    },
    clearFaults(portalId): void {
      portalOf(portalId).faults.clear();
    },
    subscribeWebhooks(portalId, subscription): void {
      const portal = portalOf(portalId);
      portal.subscriptions.push(new WebhookSubscription(subscription, options.webhookSecret ?? '', dispatcher.nextSubscriptionId));
    },
    unsubscribeWebhooks(portalId): void {
      portalOf(portalId).subscriptions = [];
    },
    flushWebhooks(): Promise<void> {
      return dispatcher.flush();
    },
    webhookDeliveries(portalId) {
      return portalOf(portalId).deliveries.map((delivery) => ({ ...delivery, events: delivery.events.map((event) => ({ ...event })) }));
    },
    sendCustomWebhook(portalId, custom = {}) {
      return customWebhook(portalOf(portalId), dispatcher, custom);
    },
    close(): Promise<void> {
      closed ??= (async () => {
        await dispatcher.flush();
        dispatcher.closing = true;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closed;
    },
  };
}
