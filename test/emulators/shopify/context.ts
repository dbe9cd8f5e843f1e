// What resolvers see: the emulator core (schema, origin, registries) and the calling shop.
import type { GraphQLSchema } from 'graphql';
import type { BulkOperationRecord } from './bulk-operation-record.ts';
import type { SearchWarning } from './search-query.ts';
import type { ShopState } from './shop-state.ts';
import type { StagedUploadStore } from './staged-upload-store.ts';

export type Args = Record<string, unknown>;

// Method syntax makes the source parameter bivariant, so typed resolvers fit one map.
type Bivariant<S> = { resolve(source: S, args: Args, ctx: RequestContext): unknown }['resolve'];
export type FieldResolver<S = unknown> = Bivariant<S>;
export type TypeResolvers = Record<string, FieldResolver>;
export type ResolverMap = Record<string, TypeResolvers>;

export interface EmulatorCore {
  readonly schema: GraphQLSchema;
  readonly origin: string;
  /** Temporary directory for bulk results and staged uploads; removed on close. */
  readonly workDir: string;
  readonly resolvers: ResolverMap;
  readonly stagedUploads: StagedUploadStore;
  readonly bulkOperations: Map<number, BulkOperationRecord>;
  /** Background bulk runs, awaited (after cancellation) on close. */
  readonly running: Set<Promise<void>>;
  closing: boolean;
  /** Emulator-wide id sequence for segments, bulk operations and refunds of new objects. */
  nextId(): number;
}

export interface SearchReport {
  path: string[];
  query: string;
  warnings: SearchWarning[];
}

export interface RequestContext {
  readonly core: EmulatorCore;
  readonly shop: ShopState;
  readonly now: number;
  /** True inside bulk operations: connections need no first/last and are not capped. */
  readonly bulk: boolean;
  readonly searchReports: SearchReport[];
  /** Set by the bulk-mutation fault: tag mutations answer this userError instead of applying. */
  forcedUserError: string | null;
  /** Accumulated actual cost of the objects resolved so far. */
  actualCost: number;
}

export function createContext(core: EmulatorCore, shop: ShopState, bulk: boolean): RequestContext {
  return { core, shop, now: Date.now(), bulk, searchReports: [], forcedUserError: null, actualCost: 0 };
}

export function defineResolvers<S>(map: Record<string, FieldResolver<S>>): TypeResolvers {
  return map;
}

export function argString(args: Args, name: string): string | null {
  const value = args[name];
  return typeof value === 'string' ? value : null;
}

export function argNumber(args: Args, name: string): number | null {
  const value = args[name];
  return typeof value === 'number' ? value : null;
}

export function argBoolean(args: Args, name: string): boolean | null {
  const value = args[name];
  return typeof value === 'boolean' ? value : null;
}

export function argStrings(args: Args, name: string): string[] {
  const value = args[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function pageArgs(args: Args): { first: number | null; last: number | null; after: string | null; before: string | null; reverse: boolean } {
  return {
    first: argNumber(args, 'first'),
    last: argNumber(args, 'last'),
    after: argString(args, 'after'),
    before: argString(args, 'before'),
    reverse: argBoolean(args, 'reverse') ?? false,
  };
}
