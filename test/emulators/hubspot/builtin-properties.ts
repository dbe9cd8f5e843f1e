// Contact properties and groups every portal starts with: the ones the app reads, a few common
// writable ones, and HubSpot's calculated engagement and analytics properties (read-only values).

export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

export interface OptionDef {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDef {
  name: string;
  label: string;
  description: string;
  groupName: string;
  type: PropertyType;
  fieldType: string;
  options: OptionDef[];
  displayOrder: number;
  hidden: boolean;
  formField: boolean;
  hasUniqueValue: boolean;
  hubspotDefined: boolean;
  calculated: boolean;
  externalOptions: boolean;
  readOnlyValue: boolean;
  readOnlyDefinition: boolean;
  archivable: boolean;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt: number | null;
}

export interface GroupDef {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export const BUILTIN_GROUPS: readonly GroupDef[] = [
  { name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false },
  { name: 'emailinformation', label: 'Email information', displayOrder: 1, archived: false },
  { name: 'analyticsinformation', label: 'Web analytics history', displayOrder: 2, archived: false },
];

function options(pairs: [string, string][]): OptionDef[] {
  return pairs.map(([value, label], i) => ({ label, value, displayOrder: i, hidden: false }));
}

export const BOOLEAN_OPTIONS: readonly OptionDef[] = options([
  ['true', 'Yes'],
  ['false', 'No'],
]);

const LIFECYCLE_STAGES = options([
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
]);

type Spec = [name: string, label: string, group: string, type: PropertyType, fieldType: string, readOnly: boolean, extra?: Partial<PropertyDef>];

const SPECS: Spec[] = [
  ['email', 'Email', 'contactinformation', 'string', 'text', false, { formField: true }],
  ['firstname', 'First Name', 'contactinformation', 'string', 'text', false, { formField: true }],
  ['lastname', 'Last Name', 'contactinformation', 'string', 'text', false, { formField: true }],
  ['phone', 'Phone Number', 'contactinformation', 'string', 'text', false, { formField: true }],
  ['company', 'Company Name', 'contactinformation', 'string', 'text', false, { formField: true }],
  ['jobtitle', 'Job Title', 'contactinformation', 'string', 'text', false, { formField: true }],
  ['city', 'City', 'contactinformation', 'string', 'text', false, { formField: true }],
  ['country', 'Country/Region', 'contactinformation', 'string', 'text', false, { formField: true }],
  ['lifecyclestage', 'Lifecycle Stage', 'contactinformation', 'enumeration', 'radio', false, { options: LIFECYCLE_STAGES }],
  ['createdate', 'Create Date', 'contactinformation', 'datetime', 'date', false],
  ['lastmodifieddate', 'Last Modified Date', 'contactinformation', 'datetime', 'date', true, { calculated: true }],
  ['hs_object_id', 'Record ID', 'contactinformation', 'number', 'number', true, { calculated: true }],
  ['hs_email_delivered', 'Marketing emails delivered', 'emailinformation', 'number', 'number', true, { calculated: true }],
  ['hs_email_open', 'Marketing emails opened', 'emailinformation', 'number', 'number', true, { calculated: true }],
  ['hs_email_click', 'Marketing emails clicked', 'emailinformation', 'number', 'number', true, { calculated: true }],
  ['hs_email_bounce', 'Marketing emails bounced', 'emailinformation', 'number', 'number', true, { calculated: true }],
  ['hs_email_optout', 'Unsubscribed from all email', 'emailinformation', 'enumeration', 'booleancheckbox', true, { options: [...BOOLEAN_OPTIONS] }],
  ['hs_email_last_open_date', 'Last marketing email open date', 'emailinformation', 'datetime', 'date', true, { calculated: true }],
  ['hs_email_last_click_date', 'Last marketing email click date', 'emailinformation', 'datetime', 'date', true, { calculated: true }],
  ['hs_analytics_num_page_views', 'Number of Pageviews', 'analyticsinformation', 'number', 'number', true, { calculated: true }],
  ['hs_analytics_num_visits', 'Number of Sessions', 'analyticsinformation', 'number', 'number', true, { calculated: true }],
  ['hs_analytics_last_visit_timestamp', 'Time of Last Session', 'analyticsinformation', 'datetime', 'date', true, { calculated: true }],
];

export function builtinProperties(now: number): PropertyDef[] {
  return SPECS.map(([name, label, groupName, type, fieldType, readOnly, extra], i) => ({
    name,
    label,
    description: '',
    groupName,
    type,
    fieldType,
    options: [],
    displayOrder: i,
    hidden: false,
    formField: false,
    hasUniqueValue: false,
    hubspotDefined: true,
    calculated: false,
    externalOptions: false,
    readOnlyValue: readOnly,
    readOnlyDefinition: true,
    archivable: false,
    createdAt: now,
    updatedAt: now,
    archived: false,
    archivedAt: null,
    ...extra,
  }));
}

/** Properties answered when a request names none (besides hs_object_id, createdate, lastmodifieddate). */
export const DEFAULT_CONTACT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'] as const;

/** Properties answered whatever a request names. */
export const ALWAYS_RETURNED = ['createdate', 'email', 'hs_object_id', 'lastmodifieddate'] as const;
