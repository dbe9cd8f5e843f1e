// A portal's contact property definitions and groups: creation and update checked as HubSpot
// checks them (type/fieldType pairs, options, groups, duplicates), and their JSON shapes (the SDK's
// Property and PropertyGroup models).
import { BOOLEAN_OPTIONS, BUILTIN_GROUPS, builtinProperties } from './builtin-properties.ts';
import type { GroupDef, OptionDef, PropertyDef, PropertyType } from './builtin-properties.ts';
import { HubSpotError, notFound, validationError } from './errors.ts';
import { toIso } from './property-values.ts';

const TYPES: readonly PropertyType[] = ['string', 'number', 'date', 'datetime', 'enumeration', 'bool'];
const FIELD_TYPES_BY_TYPE: Record<PropertyType, readonly string[]> = {
  string: ['text', 'textarea', 'file', 'phonenumber', 'html'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  bool: ['booleancheckbox'],
};
const NAME = /^[a-z][a-z0-9_]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationError(`Invalid input JSON: field "${key}" must be a string`);
  return value;
}

function requiredStrings<K extends string>(body: Record<string, unknown>, keys: readonly K[]): Record<K, string> {
  const missing = keys.filter((key) => !optionalString(body, key));
  if (missing.length > 0) throw validationError(`Some required fields were not set: [${missing.join(', ')}]`, { subCategory: 'PropertyValidationError.REQUIRED_FIELDS_MISSING' });
  return Object.fromEntries(keys.map((key) => [key, optionalString(body, key)])) as Record<K, string>;
}

function parseOptions(raw: unknown, propertyName: string): OptionDef[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationError('Invalid input JSON: field "options" must be an array');
  const seen = new Set<string>();
  return raw.map((entry, i) => {
    if (!isRecord(entry) || typeof entry.value !== 'string' || typeof entry.label !== 'string' || entry.label === '') {
      throw validationError(`Option ${i} of property ${propertyName} needs a non-empty label and a value.`, { subCategory: 'PropertyValidationError.INVALID_OPTION' });
    }
    if (seen.has(entry.value)) {
      throw validationError(`Property ${propertyName} has duplicate option values: ${entry.value}`, { subCategory: 'PropertyValidationError.DUPLICATE_OPTION_VALUES' });
    }
    seen.add(entry.value);
    return {
      label: entry.label,
      value: entry.value,
      displayOrder: typeof entry.displayOrder === 'number' ? entry.displayOrder : i,
      hidden: entry.hidden === true,
      ...(typeof entry.description === 'string' ? { description: entry.description } : {}),
    };
  });
}

function checkTypePair(name: string, type: PropertyType, fieldType: string, options: OptionDef[]): OptionDef[] {
  if (!FIELD_TYPES_BY_TYPE[type].includes(fieldType)) {
    throw validationError(`Property ${name} has type "${type}", which can't use fieldType "${fieldType}"; use one of: ${FIELD_TYPES_BY_TYPE[type].join(', ')}.`, {
      subCategory: 'PropertyValidationError.INVALID_FIELD_TYPE_FOR_TYPE',
    });
  }
  if (type === 'bool' || (type === 'enumeration' && fieldType === 'booleancheckbox' && options.length === 0)) return BOOLEAN_OPTIONS.map((o) => ({ ...o }));
  if (type === 'enumeration' && options.length === 0) {
    throw validationError(`Property ${name} of type enumeration needs at least one option.`, { subCategory: 'PropertyValidationError.ENUMERATION_WITHOUT_OPTIONS' });
  }
  if (type !== 'enumeration' && options.length > 0) return [];
  return options;
}

export class PropertyStore {
  private readonly properties = new Map<string, PropertyDef>();
  private readonly groups = new Map<string, GroupDef>();

  constructor(now: number = Date.now()) {
    for (const group of BUILTIN_GROUPS) this.groups.set(group.name, { ...group });
    for (const def of builtinProperties(now)) this.properties.set(def.name, def);
  }

  get(name: string): PropertyDef | undefined {
    const def = this.properties.get(name);
    return def && !def.archived ? def : undefined;
  }

  require(name: string): PropertyDef {
    const def = this.get(name);
    if (!def) throw notFound(`Property ${name} does not exist`, { subCategory: 'PropertyValidationError.PROPERTY_DOESNT_EXIST' });
    return def;
  }

  /** Live properties, or the archived ones. */
  list(archived = false): PropertyDef[] {
    return [...this.properties.values()].filter((def) => def.archived === archived);
  }

  listGroups(): GroupDef[] {
    return [...this.groups.values()].filter((group) => !group.archived);
  }

  requireGroup(name: string): GroupDef {
    const group = this.groups.get(name);
    if (!group || group.archived) throw notFound(`Property group ${name} does not exist`, { subCategory: 'PropertyGroupError.GROUP_NOT_FOUND' });
    return group;
  }

  /** POST /crm/v3/properties/contacts. */
  create(body: unknown, now: number = Date.now()): PropertyDef {
    if (!isRecord(body)) throw validationError('Invalid input JSON: expected an object');
    const { name, label, type, fieldType, groupName } = requiredStrings(body, ['name', 'label', 'type', 'fieldType', 'groupName']);
    if (!NAME.test(name)) {
      throw validationError(`Property name ${name} is invalid: use lowercase letters, digits and underscores, starting with a letter.`, { subCategory: 'PropertyValidationError.INVALID_PROPERTY_NAME' });
    }
    if (name.startsWith('hs_')) throw validationError(`Property name ${name} is reserved: names starting with hs_ are HubSpot's.`, { subCategory: 'PropertyValidationError.INVALID_PROPERTY_NAME' });
    if (!TYPES.includes(type as PropertyType)) throw validationError(`Invalid type "${type}"; use one of: ${TYPES.join(', ')}.`, { subCategory: 'PropertyValidationError.INVALID_TYPE' });
    if (this.properties.has(name)) {
      throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`, { subCategory: 'PropertyValidationError.PROPERTY_EXISTS', context: { name: [name] } });
    }
    const group = this.groups.get(groupName);
    if (!group || group.archived) throw validationError(`Property group ${groupName} does not exist`, { subCategory: 'PropertyValidationError.PROPERTY_GROUP_NOT_FOUND', context: { groupName: [groupName] } });
    const options = checkTypePair(name, type as PropertyType, fieldType, parseOptions(body.options, name));
    const def: PropertyDef = {
      name,
      label,
      description: optionalString(body, 'description') ?? '',
      groupName,
      type: type as PropertyType,
      fieldType,
      options,
      displayOrder: typeof body.displayOrder === 'number' ? body.displayOrder : -1,
      hidden: body.hidden === true,
      formField: body.formField === true,
      hasUniqueValue: body.hasUniqueValue === true,
      hubspotDefined: false,
      calculated: false,
      externalOptions: body.externalOptions === true,
      readOnlyValue: false,
      readOnlyDefinition: false,
      archivable: true,
      createdAt: now,
      updatedAt: now,
      archived: false,
      archivedAt: null,
    };
    this.properties.set(name, def);
    return def;
  }

  /** PATCH /crm/v3/properties/contacts/{name}. */
  update(name: string, body: unknown, now: number = Date.now()): PropertyDef {
    const def = this.require(name);
    if (!isRecord(body)) throw validationError('Invalid input JSON: expected an object');
    if (def.readOnlyDefinition) throw validationError(`Property ${name} is a HubSpot-defined property; its definition can't be changed.`, { subCategory: 'PropertyValidationError.READ_ONLY_DEFINITION' });
    const type = (optionalString(body, 'type') ?? def.type) as PropertyType;
    if (!TYPES.includes(type)) throw validationError(`Invalid type "${type}"; use one of: ${TYPES.join(', ')}.`, { subCategory: 'PropertyValidationError.INVALID_TYPE' });
    const fieldType = optionalString(body, 'fieldType') ?? def.fieldType;
    const groupName = optionalString(body, 'groupName') ?? def.groupName;
    if (groupName !== def.groupName) {
      const group = this.groups.get(groupName);
      if (!group || group.archived) throw validationError(`Property group ${groupName} does not exist`, { subCategory: 'PropertyValidationError.PROPERTY_GROUP_NOT_FOUND' });
    }
    const options = checkTypePair(name, type, fieldType, body.options === undefined ? def.options : parseOptions(body.options, name));
    Object.assign(def, {
      type,
      fieldType,
      groupName,
      options,
      label: optionalString(body, 'label') ?? def.label,
      description: optionalString(body, 'description') ?? def.description,
      displayOrder: typeof body.displayOrder === 'number' ? body.displayOrder : def.displayOrder,
      hidden: typeof body.hidden === 'boolean' ? body.hidden : def.hidden,
      formField: typeof body.formField === 'boolean' ? body.formField : def.formField,
      updatedAt: now,
    });
    return def;
  }

  archive(name: string, now: number = Date.now()): void {
    const def = this.require(name);
    if (!def.archivable) throw validationError(`Property ${name} is a HubSpot-defined property and can't be archived.`, { subCategory: 'PropertyValidationError.CANNOT_ARCHIVE' });
    def.archived = true;
    def.archivedAt = now;
  }

  /** Defines a text property for an unknown name seen in seed data. */
  defineSeedProperty(name: string, now: number = Date.now()): PropertyDef {
    const def: PropertyDef = {
      ...builtinProperties(now)[0]!,
      name,
      label: name,
      hubspotDefined: false,
      readOnlyDefinition: false,
      archivable: true,
      formField: false,
      displayOrder: -1,
    };
    this.properties.set(name, def);
    return def;
  }

  /** POST /crm/v3/properties/contacts/groups. */
  createGroup(body: unknown): GroupDef {
    if (!isRecord(body)) throw validationError('Invalid input JSON: expected an object');
    const { name, label } = requiredStrings(body, ['name', 'label']);
    if (!NAME.test(name)) throw validationError(`Group name ${name} is invalid: use lowercase letters, digits and underscores, starting with a letter.`);
    if (this.groups.has(name)) {
      throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `A property group named '${name}' already exists.`, { subCategory: 'PropertyGroupError.GROUP_EXISTS', context: { name: [name] } });
    }
    const group: GroupDef = { name, label, displayOrder: typeof body.displayOrder === 'number' ? body.displayOrder : -1, archived: false };
    this.groups.set(name, group);
    return group;
  }

  updateGroup(name: string, body: unknown): GroupDef {
    const group = this.requireGroup(name);
    if (!isRecord(body)) throw validationError('Invalid input JSON: expected an object');
    group.label = optionalString(body, 'label') ?? group.label;
    if (typeof body.displayOrder === 'number') group.displayOrder = body.displayOrder;
    return group;
  }

  archiveGroup(name: string): void {
    const group = this.requireGroup(name);
    if (BUILTIN_GROUPS.some((g) => g.name === name)) throw validationError(`Property group ${name} is HubSpot-defined and can't be archived.`);
    if (this.list().some((def) => def.groupName === name)) throw validationError(`Property group ${name} still holds properties; move or archive them first.`);
    group.archived = true;
  }
}

export function propertyJson(def: PropertyDef): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType,
    description: def.description,
    groupName: def.groupName,
    options: def.options.map((o) => ({ ...o })),
    displayOrder: def.displayOrder,
    calculated: def.calculated,
    externalOptions: def.externalOptions,
    hasUniqueValue: def.hasUniqueValue,
    hidden: def.hidden,
    hubspotDefined: def.hubspotDefined,
    modificationMetadata: { archivable: def.archivable, readOnlyDefinition: def.readOnlyDefinition, readOnlyValue: def.readOnlyValue },
    formField: def.formField,
    createdAt: toIso(def.createdAt),
    updatedAt: toIso(def.updatedAt),
    archived: def.archived,
    ...(def.archivedAt !== null ? { archivedAt: toIso(def.archivedAt) } : {}),
  };
}

export function groupJson(group: GroupDef): Record<string, unknown> {
  return { name: group.name, label: group.label, displayOrder: group.displayOrder, archived: group.archived };
}
