import { describe, expect, it } from '@jest/globals';
import { getOperationAST, Kind, parse, type FragmentDefinitionNode } from 'graphql';
import { atlasSchema } from './graphql.schema.js';
import { measureQuery, queryLimitErrors } from './query-limits.js';

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('the test query has no single operation');
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  return measureQuery(atlasSchema, operation, fragments, variables);
}

describe('measureQuery', () => {
  it('counts depth in nested fields, leaves included', () => {
    expect(measure('{ products { total } }').depth).toBe(2);
    expect(measure('{ myOrders { items { items { product { name } } } } }').depth).toBe(5);
    expect(
      measure('{ me { orders { items { customer { orders { items { id } } } } } } }').depth,
    ).toBe(7);
  });

  it('sizes a page by its requested limit, from a literal, a variable or the default', () => {
    expect(measure('{ products(limit: 100) { items { name } } }').cost).toBe(101);
    expect(
      measure('query ($n: Int) { products(limit: $n) { items { name } } }', { n: 100 }).cost,
    ).toBe(101);
    expect(measure('{ products { items { name } } }').cost).toBe(21);
  });

  it('multiplies nested lists: every item of every order may have a product', () => {
    // 1 page + 20 orders × (1 + 50 items × (1 item + 1 product))
    expect(measure('{ myOrders { items { items { product { name } } } } }').cost).toBe(2_021);
  });

  it('counts a field as often as aliases and fragments use it', () => {
    const once = measure('{ products(limit: 50) { items { id } } }').cost;
    expect(
      measure('{ a: products(limit: 50) { items { id } } b: products(limit: 50) { items { id } } }')
        .cost,
    ).toBe(2 * once);
    expect(
      measure(
        '{ products(limit: 50) { ...Page } } fragment Page on ProductPage { items { id } ...More } ' +
          'fragment More on ProductPage { items { name } }',
      ),
    ).toEqual({ depth: 3, cost: 1 + 50 + 50 });
  });

  it('leaves introspection out: graphql-js bounds it, and production turns it off', () => {
    expect(measure('{ __schema { types { name } } products { total } }')).toEqual({
      depth: 2,
      cost: 1,
    });
  });
});

describe('queryLimitErrors', () => {
  const limits = { maxDepth: 7, maxCost: 5_000 };

  it('lets a query within both limits through', () => {
    expect(queryLimitErrors({ depth: 7, cost: 5_000 }, limits)).toEqual([]);
  });

  it('refuses a query nested too deep, saying how deep and the limit', () => {
    const [error, ...others] = queryLimitErrors({ depth: 8, cost: 10 }, limits);
    expect(others).toEqual([]);
    expect(error?.message).toBe('The query nests fields 8 deep; at most 7 are allowed.');
    expect(error?.extensions).toEqual({ code: 'GRAPHQL.DEPTH_LIMIT', depth: 8, max: 7 });
  });

  it('refuses a query that could return too much, saying its cost and the limit', () => {
    const [error, ...others] = queryLimitErrors({ depth: 3, cost: 10_101 }, limits);
    expect(others).toEqual([]);
    expect(error?.message).toMatch(/^The query could return 10101 objects; at most 5000/);
    expect(error?.extensions).toEqual({ code: 'GRAPHQL.COST_LIMIT', cost: 10_101, max: 5_000 });
  });
});
