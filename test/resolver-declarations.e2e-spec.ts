import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ACCESS_RULE } from '../src/common/auth/access-rule.decorator.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_NAME = 'graphql:resolver_name';
const RESOLVE_PROPERTY = 'graphql:resolve_property';
const PATH = 'path';

let hub: TestApp;
beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(() => hub.close());

/**
 * Walks every resolver and controller of the running application: each Query, Mutation,
 * Subscription, field resolver and route handler must declare its access rule (@Allow or
 * @Public), since the global guard refuses undeclared operations at run time anyway, and
 * an undeclared one is a mistake to find here rather than in production.
 */
it('every resolver method and route handler declares who may call it', () => {
  const discovery = new DiscoveryService(hub.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const undeclared: string[] = [];
  const declaredOperations = new Set<string>();
  const controllers = new Set(discovery.getControllers());
  for (const wrapper of [...discovery.getProviders(), ...controllers]) {
    const { instance, metatype } = wrapper;
    if (!instance || !metatype) continue;
    const proto = Object.getPrototypeOf(instance);
    const isController = controllers.has(wrapper);
    for (const method of scanner.getAllMethodNames(proto)) {
      const handler = proto[method];
      const type: string | undefined = Reflect.getMetadata(RESOLVER_TYPE, handler);
      const isField = Reflect.getMetadata(RESOLVE_PROPERTY, handler) !== undefined;
      const isRoute = isController && Reflect.getMetadata(PATH, handler) !== undefined;
      if (!type && !isField && !isRoute) continue;
      const rule = reflector.getAllAndOverride(ACCESS_RULE, [handler, metatype]);
      const name = `${metatype.name}.${method}`;
      if (!rule) undeclared.push(name);
      else if (type && ['Query', 'Mutation', 'Subscription'].includes(type)) {
        declaredOperations.add(`${type}.${Reflect.getMetadata(RESOLVER_NAME, handler) ?? method}`);
      }
    }
  }
  expect(undeclared).toEqual([]);

  // The walk saw every root operation of the served schema (so it cannot pass by seeing nothing).
  const schema = hub.app.get(GraphQLSchemaHost).schema;
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) =>
    t ? Object.keys(t.getFields()).map((f) => `${t.name}.${f}`) : [],
  );
  expect(roots.length).toBeGreaterThan(10);
  expect(roots.filter((op) => !declaredOperations.has(op))).toEqual([]);
});
