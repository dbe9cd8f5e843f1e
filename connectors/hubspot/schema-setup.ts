// The property group and contact properties this app writes, created once. Enumeration options
// are only ever added to (existing values stay valid), never removed.
import { RefineryError } from '../../core/errors.ts';
import type { HubSpotClient } from './hubspot-client.ts';
import { REFINERY_GROUP, REFINERY_PROPERTIES } from './platform.ts';

export interface EnumOption {
  value: string;
  label: string;
}

interface PropertyDefinition {
  name: string;
  label: string;
  type: 'enumeration' | 'string' | 'number';
  fieldType: 'checkbox' | 'select' | 'text' | 'number';
  description: string;
  options?: EnumOption[];
}

export function refineryProperties(segmentOptions: EnumOption[], rfmOptions: EnumOption[]): PropertyDefinition[] {
  return [
    { name: REFINERY_PROPERTIES.segments, label: 'Refinery segments', type: 'enumeration', fieldType: 'checkbox', description: 'Refined segments this contact belongs to.', options: segmentOptions },
    { name: REFINERY_PROPERTIES.rfmGroup, label: 'Refinery RFM group', type: 'enumeration', fieldType: 'select', description: 'Recency-frequency-monetary group.', options: rfmOptions },
    { name: REFINERY_PROPERTIES.cluster, label: 'Refinery cluster', type: 'string', fieldType: 'text', description: 'Behaviour cluster the contact falls in (empty without orders or clusters).' },
    { name: REFINERY_PROPERTIES.purchasePropensity, label: 'Refinery purchase propensity', type: 'number', fieldType: 'number', description: 'Probability (0 to 1) of an order in the next 30 days (empty for people who never bought).' },
    { name: REFINERY_PROPERTIES.churnRisk, label: 'Refinery churn risk', type: 'number', fieldType: 'number', description: 'Probability (0 to 1) that a past buyer places no order in the next 30 days.' },
    { name: REFINERY_PROPERTIES.predictedClv, label: 'Refinery predicted CLV', type: 'number', fieldType: 'number', description: 'Predicted spend over the next 12 months (BG/NBD and Gamma-Gamma), shop currency.' },
  ];
}

export interface SchemaSetupResult {
  groupCreated: boolean;
  propertiesCreated: number;
  propertiesUpdated: number;
}

const isNotFound = (error: unknown) => error instanceof RefineryError && error.code === 'NOT_FOUND';

export async function ensureRefinerySchema(client: HubSpotClient, definitions: PropertyDefinition[]): Promise<SchemaSetupResult> {
  const result: SchemaSetupResult = { groupCreated: false, propertiesCreated: 0, propertiesUpdated: 0 };
  try {
    await client.call('property group read', (sdk) => sdk.crm.properties.groupsApi.getByName('contacts', REFINERY_GROUP.name));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await client.call('property group create', (sdk) =>
      sdk.crm.properties.groupsApi.create('contacts', { name: REFINERY_GROUP.name, label: REFINERY_GROUP.label, displayOrder: -1 }),
    );
    result.groupCreated = true;
  }
  const existing = await client.call('properties read', (sdk) => sdk.crm.properties.coreApi.getAll('contacts'));
  const byName = new Map(existing.results.map((p) => [p.name, p]));
  for (const def of definitions) {
    const have = byName.get(def.name);
    const options = def.options?.map((o, i) => ({ label: o.label, value: o.value, displayOrder: i, hidden: false }));
    if (!have) {
      await client.call(`property ${def.name} create`, (sdk) =>
        sdk.crm.properties.coreApi.create('contacts', {
          name: def.name,
          label: def.label,
          type: def.type,
          fieldType: def.fieldType,
          groupName: REFINERY_GROUP.name,
          description: def.description,
          ...(options ? { options } : {}),
        } as never),
      );
      result.propertiesCreated++;
      continue;
    }
    if (!options) continue;
    const known = new Set(have.options.map((o) => o.value));
    const missing = options.filter((o) => !known.has(o.value));
    if (missing.length === 0) continue;
    const merged = [...have.options.map((o) => ({ label: o.label, value: o.value, displayOrder: o.displayOrder ?? 0, hidden: o.hidden })), ...missing];
    await client.call(`property ${def.name} update`, (sdk) => sdk.crm.properties.coreApi.update('contacts', def.name, { options: merged } as never));
    result.propertiesUpdated++;
  }
  return result;
}
