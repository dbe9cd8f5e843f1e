// A small, fast executor for bulk operations over the same resolvers as the API: turns a source
// object and a (validated) selection set into plain JSON, and, for bulk query output, pulls
// nested connections out so that their nodes go on their own JSONL lines with __parentId.
// Field plans (collected fields, types, constant arguments) are computed once per selection set
// and type, since a bulk operation applies the same selection to millions of objects.
import { getArgumentValues, getNamedType, getNullableType, isLeafType, isListType, isNonNullType, isObjectType, visit } from 'graphql';
import type { ArgumentNode, FieldNode, GraphQLCompositeType, GraphQLField, GraphQLObjectType, GraphQLOutputType, SelectionSetNode } from 'graphql';
import type { Args, RequestContext } from './context.ts';
import { isConnectionType } from './cost.ts';
import { EmulatorError } from './errors.ts';
import { resolveFieldValue, runtimeTypeName } from './field-resolution.ts';
import { collectFields, mergedSelectionSet } from './selection.ts';
import type { SelectionContext } from './selection.ts';

export interface BulkExecution {
  request: RequestContext;
  selection: SelectionContext;
  /** Plans per selection set and type; reuse one across calls with the same document. */
  plans?: WeakMap<SelectionSetNode, Map<string, FieldPlan[]>>;
}

interface FieldPlan {
  key: string;
  field: GraphQLField<unknown, unknown> | null;
  node: FieldNode;
  selection: SelectionSetNode | undefined;
  /** Arguments when they use no variables (computed once), else null. */
  constantArgs: Args | null;
  nonNull: boolean;
  list: boolean;
  leaf: boolean;
  /** The object type when the field returns one concrete, non-list object. */
  objectType: GraphQLObjectType | null;
  /** Set for connection fields: the node type and the selection applied to each node. */
  connection: { nodeType: GraphQLCompositeType; nodeSelection: SelectionSetNode | undefined } | null;
}

/** A nested connection found while completing an object: its nodes become child lines. */
export interface ChildConnection {
  nodeType: GraphQLCompositeType;
  nodes: unknown[];
  selectionSet: SelectionSetNode | undefined;
}

function usesVariables(args: readonly ArgumentNode[] | undefined): boolean {
  let found = false;
  for (const arg of args ?? []) {
    visit(arg.value, {
      Variable() {
        found = true;
      },
    });
  }
  return found;
}

export function concreteType(ex: BulkExecution, type: GraphQLCompositeType, value: unknown): GraphQLObjectType {
  if (isObjectType(type)) return type;
  const name = runtimeTypeName(value);
  const resolved = name ? ex.selection.schema.getType(name) : undefined;
  if (!resolved || !isObjectType(resolved)) throw new EmulatorError(`Cannot resolve the concrete type of ${type.name}`, 'INTERNAL_SERVER_ERROR');
  return resolved;
}

/** The selection applied to each node of a connection: `edges { node { … } }` and `nodes { … }` merged. */
export function connectionNodeSelection(ex: BulkExecution, connection: GraphQLObjectType, selectionSet: SelectionSetNode | undefined): SelectionSetNode | undefined {
  if (!selectionSet) return undefined;
  const parts: FieldNode[] = [];
  for (const nodes of collectFields(ex.selection, connection, selectionSet).values()) {
    const name = nodes[0]?.name.value;
    if (name === 'nodes') parts.push(...nodes);
    if (name === 'edges') {
      const edgeType = getNamedType(connection.getFields()['edges']?.type) as GraphQLObjectType | undefined;
      const merged = mergedSelectionSet(nodes);
      if (!edgeType || !merged) continue;
      for (const edgeNodes of collectFields(ex.selection, edgeType, merged).values()) {
        if (edgeNodes[0]?.name.value === 'node') parts.push(...edgeNodes);
      }
    }
  }
  return mergedSelectionSet(parts);
}

function planFields(ex: BulkExecution, type: GraphQLObjectType, selectionSet: SelectionSetNode): FieldPlan[] {
  ex.plans ??= new WeakMap();
  let byType = ex.plans.get(selectionSet);
  if (!byType) {
    byType = new Map();
    ex.plans.set(selectionSet, byType);
  }
  const known = byType.get(type.name);
  if (known) return known;
  const fields = type.getFields();
  const plans: FieldPlan[] = [];
  for (const [key, nodes] of collectFields(ex.selection, type, selectionSet)) {
    const node = nodes[0];
    if (!node) continue;
    const selection = mergedSelectionSet(nodes);
    if (node.name.value === '__typename') {
      plans.push({ key, field: null, node, selection, constantArgs: null, nonNull: true, list: false, leaf: true, objectType: null, connection: null });
      continue;
    }
    const field = fields[node.name.value];
    if (!field) continue;
    const named = getNamedType(field.type);
    const constantArgs = node.arguments?.length && usesVariables(node.arguments) ? null : getArgumentValues(field, node, {});
    let connection: FieldPlan['connection'] = null;
    if (isConnectionType(named)) {
      const nodeType = getNamedType(named.getFields()['nodes']?.type) as GraphQLCompositeType;
      connection = { nodeType, nodeSelection: connectionNodeSelection(ex, named, selection) };
    }
    const list = isListType(getNullableType(field.type));
    plans.push({
      key,
      field,
      node,
      selection,
      constantArgs,
      nonNull: isNonNullType(field.type),
      list,
      leaf: isLeafType(named),
      objectType: !list && isObjectType(named) ? named : null,
      connection,
    });
  }
  byType.set(type.name, plans);
  return plans;
}

function completeComposite(ex: BulkExecution, type: GraphQLOutputType, value: unknown, selection: SelectionSetNode | undefined): unknown {
  if (value == null) return null;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return null;
    return value.map((item) => completeComposite(ex, nullable.ofType as GraphQLOutputType, item, selection));
  }
  if (isLeafType(nullable)) return value;
  return completeObject(ex, concreteType(ex, nullable as GraphQLCompositeType, value), value, selection, null);
}

/**
 * Completes one object. When `children` is given, connection fields are left out of the object
 * and their nodes collected there (bulk query layout); otherwise they are completed inline.
 */
export function completeObject(ex: BulkExecution, type: GraphQLObjectType, source: unknown, selectionSet: SelectionSetNode | undefined, children: ChildConnection[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!selectionSet) return out;
  for (const plan of planFields(ex, type, selectionSet)) {
    const field = plan.field;
    if (!field) {
      out[plan.key] = type.name;
      continue;
    }
    const args = plan.constantArgs ?? getArgumentValues(field, plan.node, ex.selection.variables);
    if (children !== null && plan.connection) {
      const value = resolveFieldValue(ex.request, type, field, source, args) as { nodes?: unknown } | null;
      const nodes = value && Array.isArray(value.nodes) ? (value.nodes as unknown[]) : [];
      children.push({ nodeType: plan.connection.nodeType, nodes, selectionSet: plan.connection.nodeSelection });
      continue;
    }
    let value: unknown;
    try {
      value = resolveFieldValue(ex.request, type, field, source, args);
    } catch (error) {
      if (plan.nonNull) throw error;
      value = null;
    }
    if (plan.leaf || value == null) out[plan.key] = value;
    else if (plan.objectType) out[plan.key] = completeObject(ex, plan.objectType, value, plan.selection, null);
    else out[plan.key] = completeComposite(ex, field.type, value, plan.selection);
  }
  return out;
}

/**
 * Writes one node line (and, after it, its nested connection nodes with __parentId) into `out`.
 * Returns the number of objects written.
 */
export function writeNodeLines(ex: BulkExecution, type: GraphQLCompositeType, source: unknown, selectionSet: SelectionSetNode | undefined, parentId: string | null, out: string[]): number {
  const objectType = concreteType(ex, type, source);
  const children: ChildConnection[] = [];
  const object = completeObject(ex, objectType, source, selectionSet, children);
  if (parentId !== null) object['__parentId'] = parentId;
  out.push(JSON.stringify(object));
  let written = 1;
  if (children.length === 0) return written;
  const idField = objectType.getFields()['id'];
  const id = idField ? resolveFieldValue(ex.request, objectType, idField, source, {}) : null;
  for (const child of children) {
    for (const node of child.nodes) written += writeNodeLines(ex, child.nodeType, node, child.selectionSet, typeof id === 'string' ? id : null, out);
  }
  return written;
}
