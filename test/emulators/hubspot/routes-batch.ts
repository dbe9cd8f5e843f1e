// Contacts batch API: read (by id or email; missing ones -> 207 with errors), create, update (by
// record id only, as HubSpot), upsert by email (creates or updates, `new` flags) and archive.
// At most 100 inputs per request.
import { contactJson, prepareWrites } from './contact-store.ts';
import type { ContactRecord, Selection } from './contact-store.ts';
import { conflict, validationError } from './errors.ts';
import { API_CHANGE_SOURCE } from './portal-state.ts';
import type { PortalState } from './portal-state.ts';
import { NO_CONTENT, boolParam, isRecord, ok, requireObject, stringArray } from './route-types.ts';
import type { Route, RouteContext, RouteResult } from './route-types.ts';

export const MAX_BATCH_INPUTS = 100;

function inputsOf(body: Record<string, unknown>): Record<string, unknown>[] {
  const inputs = body.inputs;
  if (!Array.isArray(inputs)) throw validationError('Some required fields were not set: [inputs]');
  if (inputs.length > MAX_BATCH_INPUTS) {
    throw validationError(`Too many inputs: at most ${MAX_BATCH_INPUTS} inputs are allowed per batch request, got ${inputs.length}.`, { context: { maxInputs: [String(MAX_BATCH_INPUTS)] } });
  }
  return inputs.map((input, i) => {
    if (!isRecord(input)) throw validationError(`Invalid input JSON: inputs[${i}] must be an object`);
    return input;
  });
}

function idOf(input: Record<string, unknown>, i: number): string {
  if (typeof input.id !== 'string' && typeof input.id !== 'number') throw validationError(`Some required fields were not set: [inputs[${i}].id]`);
  return String(input.id).trim();
}

function nonUniqueIdProperty(portal: PortalState, idProperty: string): Error {
  return validationError(`Unable to perform update/upsert by non-unique 0-1 property ${idProperty} in portal ID ${portal.portalId}`);
}

function notFoundError(ids: string[]): Record<string, unknown> {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
    context: { ids },
    errors: [],
    links: {},
  };
}

function batchResult(startedAt: number, results: unknown[], missing: string[], okStatus: number): RouteResult {
  const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: new Date(startedAt).toISOString(), completedAt: new Date().toISOString() };
  if (missing.length === 0) return ok(body, okStatus);
  return ok({ ...body, numErrors: 1, errors: [notFoundError(missing)] }, 207);
}

function rejectDuplicates(keys: string[]): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const key of keys) (seen.has(key) ? duplicates : seen).add(key);
  if (duplicates.size > 0) throw validationError(`Duplicate IDs found in batch input: [${[...duplicates].join(', ')}]. IDs must be unique`);
}

/** Before any write: an email being set must not belong to another contact nor be set twice. */
function checkEmailsFree(portal: PortalState, writes: { record: ContactRecord | undefined; email: string | undefined }[]): void {
  const claimed = new Map<string, ContactRecord | undefined>();
  for (const { record, email } of writes) {
    if (!email) continue;
    const owner = portal.contacts.getByEmail(email);
    if (owner && owner !== record) throw conflict(`Contact already exists. Existing ID: ${owner.id}`);
    if (claimed.has(email) && (record === undefined || claimed.get(email) !== record)) throw validationError(`Duplicate IDs found in batch input: [${email}]. IDs must be unique`);
    claimed.set(email, record);
  }
}

async function read(ctx: RouteContext): Promise<RouteResult> {
  const startedAt = Date.now();
  const body = requireObject(await ctx.body());
  const inputs = inputsOf(body);
  const idProperty = typeof body.idProperty === 'string' ? body.idProperty : null;
  if (idProperty !== null && idProperty !== 'email' && idProperty !== 'hs_object_id') throw validationError(`Unable to perform lookup by non-unique 0-1 property ${idProperty} in portal ID ${ctx.portal.portalId}`);
  const archived = boolParam(ctx.url, 'archived');
  const selection: Selection = { properties: stringArray(body.properties, 'properties'), propertiesWithHistory: stringArray(body.propertiesWithHistory, 'propertiesWithHistory') ?? [] };
  const results: unknown[] = [];
  const missing: string[] = [];
  const seen = new Set<number>();
  inputs.forEach((input, i) => {
    const id = idOf(input, i);
    const record = idProperty === 'email' ? ctx.portal.contacts.getByEmail(id) : archived && /^\d+$/.test(id) ? ctx.portal.contacts.getIncludingArchived(Number(id)) : ctx.portal.contacts.get(id);
    if (!record) missing.push(id);
    else if (!seen.has(record.id)) {
      seen.add(record.id);
      results.push(contactJson(record, selection, ctx.portal.properties));
    }
  });
  return batchResult(startedAt, results, missing, 200);
}

async function create(ctx: RouteContext): Promise<RouteResult> {
  const startedAt = Date.now();
  const inputs = inputsOf(requireObject(await ctx.body()));
  const prepared = inputs.map((input) => prepareWrites(ctx.portal.properties, ctx.portal.portalId, input.properties, 'api'));
  checkEmailsFree(ctx.portal, prepared.map((values) => ({ record: undefined, email: values.get('email') })));
  const records = prepared.map((values) => ({ record: ctx.portal.createContact(values, API_CHANGE_SOURCE), names: [...values.keys()] }));
  return batchResult(startedAt, records.map(({ record, names }) => contactJson(record, { properties: names }, ctx.portal.properties)), [], 201);
}

async function update(ctx: RouteContext): Promise<RouteResult> {
  const startedAt = Date.now();
  const inputs = inputsOf(requireObject(await ctx.body()));
  for (const input of inputs) {
    if (typeof input.idProperty === 'string' && input.idProperty !== 'hs_object_id') throw nonUniqueIdProperty(ctx.portal, input.idProperty);
  }
  const ids = inputs.map(idOf);
  rejectDuplicates(ids);
  const prepared = inputs.map((input) => prepareWrites(ctx.portal.properties, ctx.portal.portalId, input.properties, 'api'));
  checkEmailsFree(ctx.portal, ids.map((id, i) => ({ record: ctx.portal.contacts.get(id), email: prepared[i]?.get('email') })));
  const missing: string[] = [];
  const results: unknown[] = [];
  ids.forEach((id, i) => {
    const record = ctx.portal.contacts.get(id);
    const values = prepared[i] ?? new Map<string, string>();
    if (!record) return void missing.push(id);
    ctx.portal.updateContact(record, values, API_CHANGE_SOURCE);
    results.push(contactJson(record, { properties: [...values.keys()] }, ctx.portal.properties));
  });
  return batchResult(startedAt, results, missing, 200);
}

async function upsert(ctx: RouteContext): Promise<RouteResult> {
  const startedAt = Date.now();
  const inputs = inputsOf(requireObject(await ctx.body()));
  const portal = ctx.portal;
  const plans = inputs.map((input, i) => {
    const idProperty = typeof input.idProperty === 'string' ? input.idProperty : null;
    if (idProperty !== null && idProperty !== 'email' && idProperty !== 'hs_object_id') throw nonUniqueIdProperty(portal, idProperty);
    const rawId = idOf(input, i);
    const byEmail = idProperty === 'email';
    const id = byEmail ? rawId.toLowerCase() : rawId;
    const values = prepareWrites(portal.properties, portal.portalId, input.properties, 'api');
    if (byEmail) {
      const checked = prepareWrites(portal.properties, portal.portalId, { email: id }, 'api');
      values.set('email', checked.get('email') ?? id);
    }
    const existing: ContactRecord | undefined = byEmail ? portal.contacts.getByEmail(id) : portal.contacts.get(id);
    if (!existing && !byEmail) throw validationError(`Contact ${id} does not exist; upsert by record id can only update. Use idProperty email to create.`);
    return { id, values, existing };
  });
  rejectDuplicates(plans.map((p) => p.id));
  checkEmailsFree(portal, plans.map((plan) => ({ record: plan.existing, email: plan.existing ? plan.values.get('email') : undefined })));
  const results = plans.map((plan) => {
    const isNew = !plan.existing;
    const record = plan.existing ?? portal.createContact(plan.values, API_CHANGE_SOURCE);
    if (plan.existing) portal.updateContact(plan.existing, plan.values, API_CHANGE_SOURCE);
    return { ...contactJson(record, { properties: [...plan.values.keys()] }, portal.properties), new: isNew };
  });
  return batchResult(startedAt, results, [], 200);
}

async function archive(ctx: RouteContext): Promise<RouteResult> {
  const inputs = inputsOf(requireObject(await ctx.body()));
  inputs.forEach((input, i) => {
    const record = ctx.portal.contacts.get(idOf(input, i));
    if (record) ctx.portal.archiveContact(record, API_CHANGE_SOURCE);
  });
  return NO_CONTENT;
}

export const batchRoutes: Route[] = [
  { method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts\/batch\/read$/, kind: 'contacts.batchRead', handle: read },
  { method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts\/batch\/create$/, kind: 'contacts.batchCreate', handle: create },
  { method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts\/batch\/update$/, kind: 'contacts.batchUpdate', handle: update },
  { method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts\/batch\/upsert$/, kind: 'contacts.batchUpsert', handle: upsert },
  { method: 'POST', pattern: /^\/crm\/v3\/objects\/contacts\/batch\/archive$/, kind: 'contacts.batchArchive', handle: archive },
];
