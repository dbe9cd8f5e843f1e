// A portal's lists (v3): MANUAL, SNAPSHOT and DYNAMIC contact lists with unique names, members
// with the time they joined, soft deletion (restorable), and the PublicObjectList JSON shape.
import { HubSpotError, notFound, validationError } from './errors.ts';
import { checkFilterBranch } from './list-filters.ts';
import { toIso } from './property-values.ts';

export type ProcessingType = 'MANUAL' | 'SNAPSHOT' | 'DYNAMIC';
const PROCESSING_TYPES: readonly ProcessingType[] = ['MANUAL', 'SNAPSHOT', 'DYNAMIC'];
export const CONTACT_OBJECT_TYPE_ID = '0-1';

export interface ListRecord {
  listId: number;
  name: string;
  objectTypeId: string;
  processingType: ProcessingType;
  listVersion: number;
  createdAt: number;
  updatedAt: number;
  filtersUpdatedAt: number;
  deletedAt: number | null;
  filterBranch: Record<string, unknown> | null;
  extra: Record<string, unknown>;
  /** Record id -> when it joined (ms); MANUAL and SNAPSHOT lists only. Change through ListStore. */
  readonly members: Map<number, number>;
  /** Members ordered by record id; rebuilt after a change. */
  sorted: [number, number][] | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function listNotFound(listId: string): HubSpotError {
  return notFound(`List does not exist with ID ${listId}.`, { subCategory: 'ILS.LIST_DOES_NOT_EXIST' });
}

export class ListStore {
  private readonly lists = new Map<number, ListRecord>();
  private lastId = 0;

  all(includeDeleted = false): ListRecord[] {
    return [...this.lists.values()].filter((list) => includeDeleted || list.deletedAt === null);
  }

  find(listId: string | number): ListRecord | undefined {
    const id = typeof listId === 'number' ? listId : /^\d+$/.test(listId) ? Number(listId) : NaN;
    return this.lists.get(id);
  }

  /** A live list or HubSpot's 404. */
  require(listId: string): ListRecord {
    const list = this.find(listId);
    if (!list || list.deletedAt !== null) throw listNotFound(listId);
    return list;
  }

  byName(name: string, objectTypeId: string): ListRecord | undefined {
    const wanted = name.trim().toLowerCase();
    return this.all().find((list) => list.objectTypeId === objectTypeId && list.name.trim().toLowerCase() === wanted);
  }

  private checkNameFree(name: string, objectTypeId: string, self: ListRecord | null): void {
    const existing = this.byName(name, objectTypeId);
    if (existing && existing !== self) {
      throw validationError(`A list named '${name}' already exists (list ID ${existing.listId}).`, { subCategory: 'ILS.DUPLICATE_LIST_NAMES', context: { listName: [name] } });
    }
  }

  /** POST /crm/v3/lists. */
  create(body: unknown, now: number = Date.now()): ListRecord {
    if (!isRecord(body)) throw validationError('Invalid input JSON: expected an object');
    const { name, objectTypeId, processingType, filterBranch, ...extra } = body;
    const missing = [['name', name], ['objectTypeId', objectTypeId], ['processingType', processingType]].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
    if (missing.length > 0) throw validationError(`Some required fields were not set: [${missing.join(', ')}]`);
    if (typeof name !== 'string' || typeof objectTypeId !== 'string' || typeof processingType !== 'string') throw validationError('Invalid input JSON');
    if (!PROCESSING_TYPES.includes(processingType as ProcessingType)) {
      throw validationError(`Invalid processingType ${processingType}; use one of: ${PROCESSING_TYPES.join(', ')}.`, { subCategory: 'ILS.INVALID_PROCESSING_TYPE' });
    }
    if (objectTypeId !== CONTACT_OBJECT_TYPE_ID) {
      throw validationError(`Object type ${objectTypeId} is not supported by this emulator; use ${CONTACT_OBJECT_TYPE_ID} (contacts).`, { subCategory: 'ILS.INVALID_OBJECT_TYPE_ID' });
    }
    if (processingType === 'DYNAMIC' && !isRecord(filterBranch)) {
      throw validationError('A DYNAMIC list needs a filterBranch.', { subCategory: 'ILS.MISSING_FILTER_BRANCH' });
    }
    if (processingType === 'MANUAL' && filterBranch !== undefined && filterBranch !== null) {
      throw validationError('A MANUAL list takes no filterBranch.', { subCategory: 'ILS.FILTER_BRANCH_NOT_ALLOWED' });
    }
    if (isRecord(filterBranch)) checkFilterBranch(filterBranch);
    this.checkNameFree(name, objectTypeId, null);
    const list: ListRecord = {
      listId: ++this.lastId,
      name,
      objectTypeId,
      processingType: processingType as ProcessingType,
      listVersion: 1,
      createdAt: now,
      updatedAt: now,
      filtersUpdatedAt: now,
      deletedAt: null,
      filterBranch: isRecord(filterBranch) ? filterBranch : null,
      extra,
      members: new Map(),
      sorted: null,
    };
    this.lists.set(list.listId, list);
    return list;
  }

  rename(list: ListRecord, name: string, now: number = Date.now()): void {
    if (name.trim() === '') throw validationError('listName must not be blank.');
    this.checkNameFree(name, list.objectTypeId, list);
    list.name = name;
    list.listVersion++;
    list.updatedAt = now;
  }

  remove(list: ListRecord, now: number = Date.now()): void {
    list.deletedAt = now;
  }

  restore(listId: string): void {
    const list = this.find(listId);
    if (!list || list.deletedAt === null) throw listNotFound(listId);
    this.checkNameFree(list.name, list.objectTypeId, list);
    list.deletedAt = null;
  }

  /** True when the record wasn't a member yet. */
  addMember(list: ListRecord, recordId: number, at: number): boolean {
    if (list.members.has(recordId)) return false;
    list.members.set(recordId, at);
    list.sorted = null;
    return true;
  }

  /** True when the record was a member. */
  removeMember(list: ListRecord, recordId: number): boolean {
    if (!list.members.delete(recordId)) return false;
    list.sorted = null;
    return true;
  }

  clearMembers(list: ListRecord): void {
    list.members.clear();
    list.sorted = null;
  }

  /** [recordId, joinedAt] ascending by record id (a shared array: don't modify). */
  sortedMembers(list: ListRecord): [number, number][] {
    list.sorted ??= [...list.members].sort((a, b) => a[0] - b[0]);
    return list.sorted;
  }

  /** Drops a record from every list (contact deleted or purged). */
  forgetRecord(recordId: number): void {
    for (const list of this.lists.values()) this.removeMember(list, recordId);
  }
}

export function assertWritableMembership(list: ListRecord): void {
  if (list.processingType === 'DYNAMIC') {
    throw new HubSpotError(400, 'VALIDATION_ERROR', `List ${list.listId} is a DYNAMIC list; records can only be added to or removed from MANUAL and SNAPSHOT lists.`, {
      subCategory: 'ILS.INVALID_LIST_PROCESSING_TYPE',
      context: { listId: [String(list.listId)], processingType: [list.processingType] },
    });
  }
}

export function listJson(list: ListRecord, size: number, includeFilters: boolean): Record<string, unknown> {
  const json: Record<string, unknown> = {
    listId: String(list.listId),
    listVersion: list.listVersion,
    name: list.name,
    objectTypeId: list.objectTypeId,
    processingType: list.processingType,
    processingStatus: 'COMPLETE',
    createdAt: toIso(list.createdAt),
    updatedAt: toIso(list.updatedAt),
    filtersUpdatedAt: toIso(list.filtersUpdatedAt),
    createdById: '0',
    updatedById: '0',
    size,
  };
  for (const key of ['membershipSettings', 'listPermissions'] as const) if (list.extra[key] !== undefined) json[key] = list.extra[key];
  if (includeFilters && list.filterBranch) json.filterBranch = list.filterBranch;
  if (list.deletedAt !== null) json.deletedAt = toIso(list.deletedAt);
  return json;
}
