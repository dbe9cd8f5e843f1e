// One contact read by id, for a webhook that says a contact changed (HubSpot's webhook carries the
// changed property, not the record): the same properties and mapping as the contacts stream.
import { RefineryError } from '../../core/errors.ts';
import type { Contact } from '../../core/model.ts';
import type { HubSpotClient } from './hubspot-client.ts';
import { mapContact } from './mapping.ts';
import { CONTACT_PROPERTIES } from './platform.ts';
import { rawContactSchema } from './raw-contact.ts';

/** The contact, or null when HubSpot no longer has it. A record that does not map is VALIDATION. */
export async function readContact(client: HubSpotClient, contactId: string): Promise<Contact | null> {
  let raw: unknown;
  try {
    raw = await client.call(`contact ${contactId} read`, (sdk) => sdk.crm.contacts.basicApi.getById(contactId, [...CONTACT_PROPERTIES]));
  } catch (error) {
    if (error instanceof RefineryError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
  const parsed = rawContactSchema.safeParse(raw);
  if (!parsed.success) throw new RefineryError('VALIDATION', `HubSpot contact ${contactId} is unreadable: ${parsed.error.message}`);
  return mapContact(parsed.data);
}
