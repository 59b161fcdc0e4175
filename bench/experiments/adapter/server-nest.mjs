// One Nest application with one GraphQL module, on the adapter named by argv[2] ('express' or
// 'fastify'); argv[3] === 'enhancers' adds a global guard and a global interceptor (the hub has
// two global guards and a global pipe on its resolvers). Prints `listening <port>` once up.
//
// Plain ESM JS: decorators cannot be written with `@` here, so they are applied as the functions
// they are. Schema-first (`typeDefs`) so that no TypeScript metadata is needed; the resolver is
// still a Nest resolver class, so Nest's guards and interceptors wrap it as in the hub.
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { GqlExecutionContext, GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ApolloDriver } from '@nestjs/apollo';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';

const [adapterName, variant] = process.argv.slice(2);
const withEnhancers = variant === 'enhancers';

function decorateMethod(cls, name, ...decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, name);
  for (const d of decorators) d(cls.prototype, name, descriptor);
}

/** The principal from `Authorization: Bearer <token>`: here the token itself, no verification. */
function principalOf(headers) {
  const h = headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : null;
}

class MeResolver {
  // No parameter decorators: Nest passes the resolver's own (root, args, context, info).
  me(_root, _args, context) {
    return context.principal;
  }
}
Resolver('Query')(MeResolver);
decorateMethod(MeResolver, 'me', Query('me'));

class SignedInGuard {
  canActivate(context) {
    return GqlExecutionContext.create(context).getContext().principal !== null;
  }
}
Injectable()(SignedInGuard);

class PassThroughInterceptor {
  intercept(context, next) {
    GqlExecutionContext.create(context).getContext().seen = true;
    return next.handle();
  }
}
Injectable()(PassThroughInterceptor);

class AppModule {}
Module({
  imports: [
    GraphQLModule.forRoot({
      driver: ApolloDriver,
      path: '/graphql',
      typeDefs: 'type Query { me: String }',
      // As the hub: no landing page (NODE_ENV=production), no introspection, CSRF prevention,
      // no APQ, no batching, Apollo's cache-control plugin off.
      graphiql: false,
      introspection: false,
      csrfPrevention: true,
      persistedQueries: false,
      allowBatchedHttpRequests: false,
      includeStacktraceInErrorResponses: false,
      autoTransformHttpErrors: false,
      plugins: [ApolloServerPluginCacheControlDisabled()],
      // Express's integration calls this with `{ req, res }`, Fastify's with `(request, reply)`.
      context: (arg) => {
        const req = adapterName === 'fastify' ? arg : arg.req;
        return { req, principal: principalOf(req.headers) };
      },
    }),
  ],
  providers: [
    MeResolver,
    ...(withEnhancers
      ? [
          { provide: APP_GUARD, useClass: SignedInGuard },
          { provide: APP_INTERCEPTOR, useClass: PassThroughInterceptor },
        ]
      : []),
  ],
})(AppModule);

let adapter;
if (adapterName === 'fastify') {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  adapter = new FastifyAdapter();
} else if (adapterName === 'express') {
  const { ExpressAdapter } = await import('@nestjs/platform-express');
  adapter = new ExpressAdapter();
} else {
  throw new Error(`usage: node server-nest.mjs express|fastify [enhancers]`);
}
// As the hub (src/bootstrap.ts) on Express: only the JSON body parser, no X-Powered-By. On
// Fastify the adapter's own defaults (its JSON parser is built in).
const app = await NestFactory.create(AppModule, adapter, { logger: ['error', 'warn'], bodyParser: adapterName !== 'express' });
if (adapterName === 'express') {
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: 1_000_000 });
}
await app.listen(0, '127.0.0.1');
process.stdout.write(`listening ${app.getHttpServer().address().port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
