import {
  getNamedType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type ArgumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface QueryLimits {
  /** Fields nested inside each other, leaves included: `{ me { id } }` is 2 deep. */
  readonly maxDepth: number;
  /** The most objects an answer may hold, counted before anything runs (see `measureQuery`). */
  readonly maxCost: number;
}

/**
 * How a field's list is sized, for the cost: put on the field's `extensions.cost` in the
 * schema, next to the field it describes.
 * - `pageSizeArgument`: this field returns a page whose `items` number at most this argument.
 * - `listSize: 'page'`: this list is the page's items (sized by the enclosing page field).
 * - `listSize: n`: this list holds at most n objects.
 */
export interface FieldCost {
  readonly pageSizeArgument?: string;
  readonly listSize?: 'page' | number;
}

export interface QueryMeasure {
  readonly depth: number;
  readonly cost: number;
}

/**
 * Depth and cost of an operation, from its text and variables alone, so that a query too
 * large to answer is refused before any service is called.
 *
 * Cost is the most objects the answer can hold: each object-valued field counts once per
 * object it may return, and a list multiplies what is selected inside it by its bound (a page
 * by its requested `limit`). Aliases and fragments count as often as they are used; scalars are
 * free. Introspection (`__schema`, `__type`) is left out: graphql-js bounds its nesting itself
 * (MaxIntrospectionDepthRule) and production turns it off.
 */
export function measureQuery(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Readonly<Record<string, unknown>>,
): QueryMeasure {
  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, cost: 0 };

  const measureSelections = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    pageSize: number,
  ): QueryMeasure => {
    let depth = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      let measured: QueryMeasure;
      switch (selection.kind) {
        case Kind.FIELD: {
          const field = fieldOf(parent, selection.name.value);
          if (!field || selection.name.value.startsWith('__')) continue;
          const type = getNamedType(field.type);
          if (!selection.selectionSet || !isCompositeType(type)) {
            measured = { depth: 1, cost: 0 };
            break;
          }
          const hints = costOf(field);
          const inner = measureSelections(
            selection.selectionSet,
            type,
            hints.pageSizeArgument
              ? argumentValue(field, selection.arguments ?? [], hints.pageSizeArgument, variables)
              : pageSize,
          );
          const objects = isList(field.type)
            ? hints.listSize === 'page'
              ? pageSize
              : (hints.listSize ?? 1)
            : 1;
          measured = { depth: inner.depth + 1, cost: objects * (1 + inner.cost) };
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const condition = selection.typeCondition
            ? schema.getType(selection.typeCondition.name.value)
            : parent;
          if (!condition || !isCompositeType(condition)) continue;
          measured = measureSelections(selection.selectionSet, condition, pageSize);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          // Validation has already refused unknown fragments and fragment cycles.
          const fragment = fragments.get(selection.name.value);
          const condition = fragment && schema.getType(fragment.typeCondition.name.value);
          if (!fragment || !condition || !isCompositeType(condition)) continue;
          measured = measureSelections(fragment.selectionSet, condition, pageSize);
          break;
        }
        default: {
          const unknown: never = selection;
          throw new Error(`unknown selection ${JSON.stringify(unknown)}`);
        }
      }
      depth = Math.max(depth, measured.depth);
      cost += measured.cost;
    }
    return { depth, cost };
  };

  return measureSelections(operation.selectionSet, root, 1);
}

/** The errors to answer instead of running the operation; empty when it is within limits. */
export function queryLimitErrors(measure: QueryMeasure, limits: QueryLimits): GraphQLError[] {
  const errors: GraphQLError[] = [];
  if (measure.depth > limits.maxDepth) {
    errors.push(
      new GraphQLError(
        `The query nests fields ${measure.depth} deep; at most ${limits.maxDepth} are allowed.`,
        { extensions: { code: 'GRAPHQL.DEPTH_LIMIT', depth: measure.depth, max: limits.maxDepth } },
      ),
    );
  }
  if (measure.cost > limits.maxCost) {
    errors.push(
      new GraphQLError(
        `The query could return ${measure.cost} objects; at most ${limits.maxCost} are allowed. ` +
          'Ask for smaller pages or fewer nested lists.',
        { extensions: { code: 'GRAPHQL.COST_LIMIT', cost: measure.cost, max: limits.maxCost } },
      ),
    );
  }
  return errors;
}

function fieldOf(
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function costOf(field: GraphQLField<unknown, unknown>): FieldCost {
  const cost: unknown = field.extensions['cost'];
  return typeof cost === 'object' && cost !== null ? cost : {};
}

/** The argument's value: literal, variable, or the field's default; a guess is never below 1. */
function argumentValue(
  field: GraphQLField<unknown, unknown>,
  nodes: readonly ArgumentNode[],
  name: string,
  variables: Readonly<Record<string, unknown>>,
): number {
  const node = nodes.find((argument) => argument.name.value === name)?.value;
  let value: unknown = field.args.find((argument) => argument.name === name)?.default?.value;
  if (node?.kind === Kind.INT) value = Number(node.value);
  if (node?.kind === Kind.VARIABLE) value = variables[node.name.value] ?? value;
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(1, value) : 1;
}
