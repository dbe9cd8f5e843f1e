// Calculated query cost, after Shopify's documented rules: scalars and enums 0, objects 1,
// connections 2 + (first|last) x cost of one node (nested connections multiply), interfaces and
// unions the most expensive possible selection, each mutation field 10.
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
} from 'graphql';
import type {
  FieldNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLOutputType,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { collectFields, hasTypeConditions, mergedSelectionSet } from './selection.ts';
import type { SelectionContext } from './selection.ts';

export const MUTATION_COST = 10;
export const MAX_QUERY_COST = 1000;

const connectionTypes = new WeakMap<GraphQLNamedType, boolean>();

export function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  const known = connectionTypes.get(type);
  if (known !== undefined) return known;
  const result = isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields() && 'edges' in type.getFields();
  connectionTypes.set(type, result);
  return result;
}

function argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    return {};
  }
}

function pageSize(args: Record<string, unknown>): number {
  const first = args['first'];
  const last = args['last'];
  if (typeof first === 'number') return first;
  if (typeof last === 'number') return last;
  return 0;
}

function selectionCost(ctx: SelectionContext, parentType: GraphQLCompositeType, selectionSet: SelectionSetNode | undefined): number {
  if (!selectionSet) return 0;
  if (isAbstractType(parentType) && hasTypeConditions(ctx, selectionSet)) {
    let most = 0;
    for (const possible of ctx.schema.getPossibleTypes(parentType)) most = Math.max(most, fieldsCost(ctx, possible, selectionSet));
    return most;
  }
  return fieldsCost(ctx, parentType, selectionSet);
}

function fieldsCost(ctx: SelectionContext, parentType: GraphQLCompositeType, selectionSet: SelectionSetNode): number {
  if (!('getFields' in parentType)) return 0;
  const fields = parentType.getFields();
  let total = 0;
  for (const nodes of collectFields(ctx, parentType, selectionSet).values()) {
    const first = nodes[0];
    if (!first) continue;
    const field = fields[first.name.value];
    if (!field) continue;
    total += fieldCost(ctx, field, first, mergedSelectionSet(nodes));
  }
  return total;
}

function fieldCost(ctx: SelectionContext, field: GraphQLField<unknown, unknown>, node: FieldNode, selectionSet: SelectionSetNode | undefined): number {
  const named = getNamedType(field.type);
  if (isLeafType(named)) return 0;
  const args = argumentsOf(field, node, ctx.variables);
  if (isConnectionType(named)) return 2 + pageSize(args) * connectionNodeCost(ctx, named, selectionSet);
  let multiplier = 1;
  if (isListType(getNullableType(field.type))) {
    const ids = args['ids'];
    if (typeof args['first'] === 'number') multiplier = args['first'];
    else if (Array.isArray(ids)) multiplier = ids.length;
  }
  return multiplier * (1 + selectionCost(ctx, named as GraphQLCompositeType, selectionSet));
}

/** Cost of one node of a connection: the dearer of `edges { node }` and `nodes`. */
function connectionNodeCost(ctx: SelectionContext, connection: GraphQLObjectType, selectionSet: SelectionSetNode | undefined): number {
  if (!selectionSet) return 0;
  const fields = connection.getFields();
  let most = 0;
  for (const nodes of collectFields(ctx, connection, selectionSet).values()) {
    const first = nodes[0];
    if (!first) continue;
    const field = fields[first.name.value];
    if (!field) continue;
    const merged = mergedSelectionSet(nodes);
    if (field.name === 'nodes') {
      most = Math.max(most, 1 + selectionCost(ctx, getNamedType(field.type) as GraphQLCompositeType, merged));
    } else if (field.name === 'edges' && merged) {
      const edgeType = getNamedType(field.type) as GraphQLObjectType;
      const nodeField = edgeType.getFields()['node'];
      if (!nodeField) continue;
      for (const edgeNodes of collectFields(ctx, edgeType, merged).values()) {
        const edgeFirst = edgeNodes[0];
        if (edgeFirst?.name.value !== 'node') continue;
        most = Math.max(most, 1 + selectionCost(ctx, getNamedType(nodeField.type) as GraphQLCompositeType, mergedSelectionSet(edgeNodes)));
      }
    }
  }
  return most;
}

export function requestedCost(ctx: SelectionContext, rootType: GraphQLObjectType, operation: OperationDefinitionNode): number {
  if (operation.operation === 'mutation') {
    return collectFields(ctx, rootType, operation.selectionSet).size * MUTATION_COST;
  }
  return fieldsCost(ctx, rootType, operation.selectionSet);
}

/** What one resolved field adds to the actual cost (objects returned, connections 2). */
export function actualFieldCost(returnType: GraphQLOutputType, value: unknown): number {
  if (value == null) return 0;
  const named = getNamedType(returnType);
  if (isLeafType(named)) return 0;
  if (isConnectionType(named)) return 2;
  if (named.name === 'PageInfo' || named.name.endsWith('Edge')) return 0;
  if (Array.isArray(value)) {
    let count = 0;
    for (const item of value) if (item != null) count++;
    return count;
  }
  return 1;
}
