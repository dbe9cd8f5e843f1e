// Field collection over selection sets (fragments, inline fragments, @skip/@include), shared by
// the cost calculator and the bulk executor.
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  isAbstractType,
  isObjectType,
  typeFromAST,
} from 'graphql';
import type {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLNamedType,
  GraphQLSchema,
  InlineFragmentNode,
  SelectionSetNode,
} from 'graphql';

export type Fragments = Record<string, FragmentDefinitionNode>;

export interface SelectionContext {
  schema: GraphQLSchema;
  fragments: Fragments;
  variables: Record<string, unknown>;
}

export function shouldInclude(node: FieldNode | InlineFragmentNode | { directives?: FieldNode['directives'] }, variables: Record<string, unknown>): boolean {
  const typed = node as FieldNode;
  if (!typed.directives || typed.directives.length === 0) return true;
  const skip = getDirectiveValues(GraphQLSkipDirective, typed, variables);
  if (skip?.['if'] === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, typed, variables);
  if (include?.['if'] === false) return false;
  return true;
}

/** Whether a fragment with this type condition applies to `runtimeType`. */
export function conditionMatches(schema: GraphQLSchema, condition: GraphQLNamedType | undefined, runtimeType: GraphQLCompositeType): boolean {
  if (!condition || condition === runtimeType) return true;
  if (isObjectType(runtimeType) && isAbstractType(condition)) return schema.isSubType(condition, runtimeType);
  return false;
}

/** Field nodes grouped by response key, for one (possibly abstract) parent type. */
export function collectFields(ctx: SelectionContext, runtimeType: GraphQLCompositeType, selectionSet: SelectionSetNode, into = new Map<string, FieldNode[]>(), visited = new Set<string>()): Map<string, FieldNode[]> {
  for (const selection of selectionSet.selections) {
    if (!shouldInclude(selection, ctx.variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const list = into.get(key);
      if (list) list.push(selection);
      else into.set(key, [selection]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? typeFromAST(ctx.schema, selection.typeCondition) : undefined;
      if (conditionMatches(ctx.schema, condition as GraphQLNamedType | undefined, runtimeType)) collectFields(ctx, runtimeType, selection.selectionSet, into, visited);
    } else {
      const name = selection.name.value;
      if (visited.has(name)) continue;
      visited.add(name);
      const fragment = ctx.fragments[name];
      if (!fragment) continue;
      const condition = typeFromAST(ctx.schema, fragment.typeCondition);
      if (conditionMatches(ctx.schema, condition as GraphQLNamedType | undefined, runtimeType)) collectFields(ctx, runtimeType, fragment.selectionSet, into, visited);
    }
  }
  return into;
}

/** Whether the selection set (through fragments) has any type-conditioned part. */
export function hasTypeConditions(ctx: SelectionContext, selectionSet: SelectionSetNode): boolean {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (selection.typeCondition || hasTypeConditions(ctx, selection.selectionSet)) return true;
    } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      if (ctx.fragments[selection.name.value]) return true;
    }
  }
  return false;
}

/** Merges the sub-selections of several field nodes sharing one response key. */
export function mergedSelectionSet(nodes: readonly FieldNode[]): SelectionSetNode | undefined {
  const sets = nodes.map((node) => node.selectionSet).filter((set): set is SelectionSetNode => set !== undefined);
  if (sets.length === 0) return undefined;
  if (sets.length === 1) return sets[0];
  return { kind: Kind.SELECTION_SET, selections: sets.flatMap((set) => set.selections) };
}

export function fragmentsOf(definitions: readonly { kind: string }[]): Fragments {
  const fragments: Fragments = {};
  for (const definition of definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const fragment = definition as FragmentDefinitionNode;
      fragments[fragment.name.value] = fragment;
    }
  }
  return fragments;
}
