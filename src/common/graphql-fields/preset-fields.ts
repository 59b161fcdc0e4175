import { GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';

const PRESET = Symbol('presetFields');

type Presettable = { [PRESET]?: Record<string, unknown> };

/**
 * Gives a model object the values of some of its field-resolver fields, already known to the
 * service that built it (the operational picture reads a report's author, acknowledgements and
 * recipients in its own statement). Such fields are answered from the object instead of through
 * the field resolver and Nest's per-call pipeline (context, parameter pipes, promise), which
 * cost the picture about a thousand calls per request. Only for fields without arguments, and
 * only with the value the field resolver would have returned for this request's viewer.
 */
export function presetFields<T extends object>(target: T, values: Record<string, unknown>): T {
  (target as Presettable)[PRESET] = values;
  return target;
}

/**
 * `transformSchema`: every field resolver of the object types (not the root types) first looks
 * for a preset value on its parent. A field without a preset value resolves as before.
 */
export function answerPresetFields(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__') || roots.has(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, unknown> | undefined = field.resolve;
      if (!resolve || field.args.length > 0) continue;
      const name = field.name;
      field.resolve = (parent, args, context, info) => {
        const values = (parent as Presettable | null)?.[PRESET];
        return values !== undefined && Object.hasOwn(values, name) ? values[name] : resolve(parent, args, context, info);
      };
    }
  }
  return schema;
}
