// Checks a bulk query the way bulkOperationRunQuery does before accepting it: valid against the
// schema, one top-level connection (not node/nodes), at most five connections, nested two deep,
// no connection inside a list, and every parent of a nested connection selecting `id`.
import { Kind, getNamedType, getNullableType, isListType, isObjectType, parse, validate } from 'graphql';
import type { DocumentNode, FieldNode, GraphQLCompositeType, GraphQLField, GraphQLSchema, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { isConnectionType } from './cost.ts';
import { collectFields, fragmentsOf, mergedSelectionSet } from './selection.ts';
import type { Fragments, SelectionContext } from './selection.ts';

export const MAX_BULK_CONNECTIONS = 5;
export const MAX_BULK_CONNECTION_DEPTH = 2;

export interface BulkQueryPlan {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Fragments;
  rootField: GraphQLField<unknown, unknown>;
  rootNode: FieldNode;
  rootSelection: SelectionSetNode | undefined;
}

export type BulkQueryCheck = { ok: true; plan: BulkQueryPlan } | { ok: false; message: string };

interface Walk {
  ctx: SelectionContext;
  connections: number;
  problems: string[];
  missingId: string[];
}

function walkSelection(walk: Walk, type: GraphQLCompositeType, selectionSet: SelectionSetNode | undefined, depth: number, inList: boolean, isConnectionNode: boolean): void {
  if (!selectionSet || !('getFields' in type)) return;
  const fields = type.getFields();
  const grouped = collectFields(walk.ctx, type, selectionSet);
  for (const nodes of grouped.values()) {
    const first = nodes[0];
    if (!first) continue;
    const field = fields[first.name.value];
    if (!field) continue;
    const named = getNamedType(field.type);
    const merged = mergedSelectionSet(nodes);
    if (isConnectionType(named)) {
      walk.connections++;
      if (inList) walk.problems.push('Queries that contain a connection field within a list field are not currently supported.');
      if (depth + 1 > MAX_BULK_CONNECTION_DEPTH) walk.problems.push(`Bulk queries cannot contain more than ${MAX_BULK_CONNECTION_DEPTH} levels of nested connections.`);
      if (!isConnectionNode) walk.problems.push(`Nested connection '${field.name}' must be selected directly on a connection node.`);
      const idNode = grouped.get('id')?.[0];
      if (isConnectionNode && (!idNode || idNode.name.value !== 'id')) walk.missingId.push(field.name);
      walkConnection(walk, named, merged, depth + 1);
      continue;
    }
    if (!isObjectType(named) && !('getFields' in named)) continue;
    walkSelection(walk, named as GraphQLCompositeType, merged, depth, inList || isListType(getNullableType(field.type)), false);
  }
}

function walkConnection(walk: Walk, connection: GraphQLCompositeType, selectionSet: SelectionSetNode | undefined, depth: number): void {
  if (!selectionSet || !isObjectType(connection)) return;
  const fields = connection.getFields();
  for (const nodes of collectFields(walk.ctx, connection, selectionSet).values()) {
    const name = nodes[0]?.name.value;
    const merged = mergedSelectionSet(nodes);
    if (name === 'nodes') {
      walkSelection(walk, getNamedType(fields['nodes']?.type) as GraphQLCompositeType, merged, depth, false, true);
    } else if (name === 'edges' && merged) {
      const edgeType = getNamedType(fields['edges']?.type);
      if (!isObjectType(edgeType)) continue;
      for (const edgeNodes of collectFields(walk.ctx, edgeType, merged).values()) {
        if (edgeNodes[0]?.name.value !== 'node') continue;
        walkSelection(walk, getNamedType(edgeType.getFields()['node']?.type) as GraphQLCompositeType, mergedSelectionSet(edgeNodes), depth, false, true);
      }
    }
  }
}

export function checkBulkQuery(schema: GraphQLSchema, text: string): BulkQueryCheck {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    return { ok: false, message: `Invalid bulk query: ${(error as Error).message}` };
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return { ok: false, message: `Invalid bulk query: ${errors.map((e) => e.message).join(' ')}` };
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations[0];
  if (operations.length !== 1 || !operation) return { ok: false, message: 'Bulk queries must contain exactly one operation.' };
  if (operation.operation !== 'query') return { ok: false, message: 'Bulk queries cannot contain mutations; use bulkOperationRunMutation.' };
  if ((operation.variableDefinitions ?? []).length > 0) return { ok: false, message: 'Bulk queries cannot use variables.' };
  const fragments = fragmentsOf(document.definitions);
  const ctx: SelectionContext = { schema, fragments, variables: {} };
  const queryType = schema.getQueryType();
  if (!queryType) return { ok: false, message: 'The schema has no query type.' };
  const roots = [...collectFields(ctx, queryType, operation.selectionSet).values()];
  const rootNode = roots[0]?.[0];
  if (roots.length !== 1 || !rootNode) return { ok: false, message: 'Bulk queries must have exactly one top-level field.' };
  const rootName = rootNode.name.value;
  if (rootName === 'node' || rootName === 'nodes') return { ok: false, message: 'The top-level node and nodes fields are not supported in bulk queries.' };
  const rootField = queryType.getFields()[rootName];
  const rootType = rootField ? getNamedType(rootField.type) : undefined;
  if (!rootField || !rootType || !isConnectionType(rootType)) return { ok: false, message: 'Bulk queries must contain at least one connection, as the top-level field.' };
  const rootSelection = mergedSelectionSet(roots[0] ?? []);
  const walk: Walk = { ctx, connections: 1, problems: [], missingId: [] };
  walkConnection(walk, rootType, rootSelection, 1);
  if (walk.connections > MAX_BULK_CONNECTIONS) walk.problems.push(`Bulk queries cannot contain more than ${MAX_BULK_CONNECTIONS} connections.`);
  if (walk.missingId.length > 0) {
    walk.problems.push(`The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': ${walk.missingId.join(', ')}.`);
  }
  if (walk.problems.length > 0) return { ok: false, message: [...new Set(walk.problems)].join(' ') };
  return { ok: true, plan: { document, operation, fragments, rootField, rootNode, rootSelection } };
}
