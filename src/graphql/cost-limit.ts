import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';

export interface CostLimitOptions {
  maxCost: number;
  /** The size assumed for a list without `first` or `last` (an organisation's holdings, an incident's participants). */
  listSize: number;
  /** The largest page `first` or `last` may ask for: assumed when the value is a variable without a default. */
  maxPageSize: number;
}

/** What an un-paged list is assumed to hold: about what holdings, participants, recipients and loans hold in practice. */
export const ASSUMED_LIST_SIZE = 5;

/**
 * The cost of an operation: every object costs 2 and every scalar 1, times the number of times
 * it can occur in the answer. A connection's `first` (or `last`; its default when not given, the
 * largest page when it is a variable) is the size of its `nodes` and `edges`; a list without
 * paging is assumed to hold `listSize` items. Sizes multiply down the selection, so that
 * `organisations(first: 100) { nodes { holdings { organisation { holdings { … } } } } }`
 * costs what its answer can weigh, not what its text does. (graphql-armor's cost limit, which
 * the hub used before, multiplied only by a literal `first` and added nested lists instead.)
 * Fragments count where they are spread; introspection counts nothing (it is refused in
 * production, and free in development for GraphiQL).
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: (name: string) => FragmentDefinitionNode | undefined,
  opts: Pick<CostLimitOptions, 'listSize' | 'maxPageSize'>,
): number {
  const defaults = new Map<string, ValueNode | undefined>();
  for (const v of operation.variableDefinitions ?? []) defaults.set(v.variable.name.value, v.defaultValue);
  const fragmentCosts = new Map<string, number>();
  const visiting = new Set<string>();

  const intOf = (value: ValueNode | undefined): number | undefined => {
    if (value?.kind === Kind.VARIABLE) return intOf(defaults.get(value.name.value)) ?? opts.maxPageSize;
    if (value?.kind === Kind.INT) return Math.max(0, parseInt(value.value, 10));
    return value === undefined ? undefined : opts.maxPageSize;
  };

  /** The page a field asks for: `first` or `last` as given, or as defaulted in the schema. */
  const pageOf = (node: FieldNode, def: GraphQLField<unknown, unknown>): number | undefined => {
    let page: number | undefined;
    for (const arg of def.args) {
      if (arg.name !== 'first' && arg.name !== 'last') continue;
      const given = node.arguments?.find((a) => a.name.value === arg.name);
      const size = given ? intOf(given.value) : typeof arg.defaultValue === 'number' ? arg.defaultValue : undefined;
      if (size !== undefined) page = Math.max(page ?? 0, size);
    }
    // A paged field with neither argument given nor defaulted returns the largest page.
    return page ?? (def.args.some((a) => a.name === 'first' || a.name === 'last') ? opts.maxPageSize : undefined);
  };

  const fieldCost = (node: FieldNode, parent: GraphQLNamedType | undefined, connectionPage: number | undefined): number => {
    const name = node.name.value;
    if (name === '__schema' || name === '__type') return 0;
    const def = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!node.selectionSet) return 1;
    const type = def ? getNamedType(def.type) : undefined;
    const page = def ? pageOf(node, def) : undefined;
    if (def && isListType(getNullableType(def.type))) {
      // The nodes and edges of a connection are as many as its page; other lists as paged or assumed.
      const size = page ?? connectionPage ?? opts.listSize;
      return size * (2 + selectionCost(node.selectionSet, type, undefined));
    }
    return 2 + selectionCost(node.selectionSet, type, page);
  };

  const selectionCost = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, connectionPage: number | undefined): number => {
    let cost = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) cost += fieldCost(s, parent, connectionPage);
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        const type = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        cost += selectionCost(s.selectionSet, type && isCompositeType(type) ? type : undefined, connectionPage);
      } else {
        const name = s.name.value;
        const key = `${name}@${connectionPage ?? ''}`;
        const known = fragmentCosts.get(key);
        if (known !== undefined) {
          cost += known;
          continue;
        }
        const fragment = fragments(name);
        // A cycle is NoFragmentCyclesRule's to report; it costs nothing more here.
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        const type = schema.getType(fragment.typeCondition.name.value);
        const c = selectionCost(fragment.selectionSet, type && isCompositeType(type) ? type : undefined, connectionPage);
        visiting.delete(name);
        fragmentCosts.set(key, c);
        cost += c;
      }
    }
    return cost;
  };

  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return selectionCost(operation.selectionSet, root ?? undefined, undefined);
}

/**
 * Refuses an operation whose cost (operationCost) is above `maxCost`, with graphql-armor's
 * message. Only an operation that is otherwise valid is costed: one past the depth limit is
 * refused for its depth alone (one error, the one that explains it), and a document with unknown
 * fields is not costed on guesses. The other rules report through the same context, so its
 * reportError is watched; the cost is taken when the operation has been visited.
 */
export function costLimitRule(opts: CostLimitOptions): ValidationRule {
  return (context: ValidationContext) => {
    let errors = 0;
    const report = context.reportError.bind(context);
    context.reportError = (error: GraphQLError) => {
      errors++;
      report(error);
    };
    return {
      OperationDefinition: {
        leave(operation) {
          if (errors > 0) return;
          const cost = operationCost(context.getSchema(), operation, (name) => context.getFragment(name) ?? undefined, opts);
          if (cost > opts.maxCost) context.reportError(new GraphQLError(`Query Cost limit of ${opts.maxCost} exceeded, found ${cost}.`, { nodes: [operation] }));
        },
      },
    };
  };
}
