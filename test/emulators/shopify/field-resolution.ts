// Resolving one field from the resolver map, shared by graphql-js execution and the bulk executor:
// a type's resolver when there is one, else the source's own property; fields the emulator does
// not implement are null when nullable and an explicit error when non-null.
import { isNonNullType } from 'graphql';
import type { GraphQLField, GraphQLObjectType, GraphQLSchema } from 'graphql';
import type { Args, RequestContext } from './context.ts';
import { EmulatorError } from './errors.ts';

function isRootType(schema: GraphQLSchema, type: GraphQLObjectType): boolean {
  return type === schema.getQueryType() || type === schema.getMutationType();
}

export function resolveFieldValue(
  ctx: RequestContext,
  parentType: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  source: unknown,
  args: Args,
): unknown {
  const resolver = ctx.core.resolvers[parentType.name]?.[field.name];
  let value: unknown;
  if (resolver) {
    value = resolver(source, args, ctx);
  } else if (isRootType(ctx.core.schema, parentType)) {
    throw new EmulatorError(`${parentType.name}.${field.name} is not implemented by the Shopify emulator`, 'NOT_IMPLEMENTED');
  } else if (source !== null && typeof source === 'object') {
    value = (source as Record<string, unknown>)[field.name];
  }
  if (value === undefined) {
    if (isNonNullType(field.type)) throw new EmulatorError(`${parentType.name}.${field.name} is not implemented by the Shopify emulator`, 'NOT_IMPLEMENTED');
    return null;
  }
  return value;
}

/** The concrete type of a value for an interface or union (from its __typename). */
export function runtimeTypeName(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && '__typename' in value) {
    const name = (value as { __typename: unknown }).__typename;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}
