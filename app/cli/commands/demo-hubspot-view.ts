// The demo's view of the HubSpot portal after a sync: the lists and their members, the properties
// this app created, and one person shown on both platforms side by side.
import { DEFAULT_TAG_PREFIX } from '../../../core/segment-tags.ts';
import { REFINERY_PROPERTIES } from '../../../connectors/hubspot/platform.ts';
import type { HubSpotEmulator } from '../../../test/emulators/hubspot/index.ts';
import type { ShopifyEmulator } from '../../../test/emulators/shopify/types.ts';
import { table } from '../format.ts';

export function describeHubSpot(hubspot: HubSpotEmulator, portalId: number, shopify: ShopifyEmulator, shop: string): string {
  const lists = hubspot.listLists(portalId).filter((l) => l.name.startsWith('Refinery'));
  const lines = [
    table(
      ['static list (MANUAL)', 'members'],
      lists.map((l) => [l.name, hubspot.listMembers(portalId, l.listId).length.toLocaleString('en')]),
      new Set([1]),
    ),
  ];
  const properties = hubspot.listProperties(portalId).filter((p) => p.name.startsWith('refinery_'));
  lines.push(`contact properties in group "refinery": ${properties.map((p) => p.name).join(', ')}`);

  // One person on both platforms: the first Shopify customer (by id) who is also a contact.
  const customers = shopify.listCustomers(shop).sort((a, b) => a.legacyId - b.legacyId);
  for (const customer of customers) {
    if (!customer.email) continue;
    const contact = hubspot.getContactByEmail(portalId, customer.email);
    if (!contact) continue;
    const tags = customer.tags.filter((t) => t.startsWith(DEFAULT_TAG_PREFIX));
    const memberOf = lists.filter((l) => hubspot.listMembers(portalId, l.listId).includes(contact.id)).map((l) => l.name);
    lines.push(
      `one person, both platforms: ${customer.email}`,
      `  Shopify customer ${customer.legacyId}: tags ${tags.join(', ')}`,
      `  HubSpot contact ${contact.id}: lists ${memberOf.join(', ')}`,
      `  HubSpot properties: ${Object.values(REFINERY_PROPERTIES).map((name) => `${name} = ${contact.properties[name] ?? ''}`).join(', ')}`,
    );
    break;
  }
  return lines.join('\n');
}
