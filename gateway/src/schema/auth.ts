import { tokenHash, verifySecret } from '@bisa/db/secret-hash.ts';
import { GraphQLError } from 'graphql';
import { auditedRefusal, auditedRefusalOf, recordAudit } from '../audit.ts';
import {
  clearedSessionCookie,
  cookieValue,
  newApiKey,
  newToken,
  SESSION_COOKIE,
  SESSION_DAYS,
  sessionCookie,
} from '../auth/viewer.ts';
import { builder } from '../builder.ts';
import { badUserInput, notFound } from '../errors.ts';

const Role = builder.enumType('Role', {
  description:
    'VIEWER reads; OPERATOR runs the control room; REPORTER reports progress for their agency; ' +
    'ADMIN manages programme data and reviews reports; INTEGRATOR manages devices.',
  values: ['VIEWER', 'OPERATOR', 'REPORTER', 'ADMIN', 'INTEGRATOR'] as const,
});

const ApiKeyScope = builder.enumType('ApiKeyScope', {
  description: 'READ keys can only query; WRITE keys act with all the rights of their user.',
  values: ['READ', 'WRITE'] as const,
});

builder.prismaObject('User', {
  description: 'A person with an account.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: Role }),
    agency: t.relation('agency', { nullable: true, description: 'The agency a reporter reports for.' }),
  }),
});

builder.prismaObject('ApiKey', {
  description: 'An API key; its secret is shown once, when it is created.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters, to recognise the key.' }),
    scope: t.field({ type: ApiKeyScope, resolve: (key) => (key.scope === 'write' ? 'WRITE' : 'READ') }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiKey = builder.objectRef<{ id: string; secret: string }>('CreatedApiKey').implement({
  fields: (t) => ({
    apiKey: t.prismaField({
      type: 'ApiKey',
      resolve: (query, root, _args, context) =>
        context.prisma.apiKey.findUniqueOrThrow({ ...query, where: { id: root.id } }),
    }),
    secret: t.exposeString('secret', {
      description: 'Send as `Authorization: Bearer <secret>`. Shown only now: store it safely.',
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The signed-in user, or null.',
    resolve: (query, _root, _args, context) =>
      context.viewer
        ? context.prisma.user.findUnique({ ...query, where: { id: context.viewer.userId } })
        : null,
  }),
  apiKeys: t.prismaField({
    type: ['ApiKey'],
    description: "The signed-in user's API keys.",
    authScopes: { signedIn: true },
    resolve: (query, _root, _args, context) =>
      context.prisma.apiKey.findMany({
        ...query,
        where: { userId: context.viewer?.userId ?? '' },
        orderBy: { createdAt: 'desc' },
      }),
  }),
}));

builder.mutationFields((t) => ({
  signIn: t.prismaField({
    type: 'User',
    description: 'Signs in with e-mail and password and sets an HttpOnly session cookie.',
    args: { email: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, context) => {
      const user = await context.prisma.user.findUnique({
        where: { email: args.email.trim().toLowerCase() },
      });
      // One answer for an unknown e-mail and a wrong password: it does not reveal who has an account.
      if (!user || user.disabledAt || !(await verifySecret(args.password, user.passwordHash))) {
        await recordAudit(context.prisma, context.viewer, {
          action: 'signIn',
          outcome: 'denied',
          detail: { email: args.email },
        });
        throw new GraphQLError('Wrong e-mail or password', { extensions: { code: 'UNAUTHENTICATED' } });
      }
      const token = newToken();
      const signedIn = await context.prisma.$transaction(async (tx) => {
        await tx.session.create({
          data: {
            tokenHash: tokenHash(token),
            userId: user.id,
            expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000),
          },
        });
        await recordAudit(
          tx,
          { userId: user.id, via: 'session' },
          {
            action: 'signIn',
            outcome: 'ok',
            targetId: user.id,
          },
        );
        return tx.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
      });
      context.setCookie(sessionCookie(token, new URL(context.request.url).protocol === 'https:'));
      return signedIn;
    },
  }),
  signOut: t.boolean({
    description: 'Ends the current session and clears its cookie.',
    resolve: async (_root, _args, context) => {
      const token = cookieValue(context.request.headers.get('cookie'), SESSION_COOKIE);
      if (token) {
        await context.prisma.$transaction(async (tx) => {
          const { count } = await tx.session.deleteMany({ where: { tokenHash: tokenHash(token) } });
          if (count > 0)
            await recordAudit(tx, context.viewer, {
              action: 'signOut',
              outcome: 'ok',
              targetId: context.viewer?.userId,
            });
        });
      }
      context.setCookie(clearedSessionCookie(new URL(context.request.url).protocol === 'https:'));
      return true;
    },
  }),
  createApiKey: t.field({
    type: CreatedApiKey,
    description: 'Creates an API key for the signed-in user (from a dashboard session only).',
    args: { name: t.arg.string({ required: true }), scope: t.arg({ type: ApiKeyScope, required: true }) },
    authScopes: { session: true },
    // A WRITE key is refused too: keys are made by a person at the dashboard, never by a key.
    ...auditedRefusalOf((viewer) =>
      viewer.via === 'api_key'
        ? 'API keys are created from a signed-in session, not with an API key'
        : undefined,
    ),
    resolve: async (_root, args, context) => {
      const name = args.name.trim();
      if (name.length === 0 || name.length > 100)
        throw badUserInput('name: give the key a name of 1-100 characters');
      const secret = newApiKey();
      const created = await context.prisma.$transaction(async (tx) => {
        const key = await tx.apiKey.create({
          data: {
            userId: context.viewer?.userId ?? '',
            name,
            prefix: secret.slice(0, 12),
            keyHash: tokenHash(secret),
            scope: args.scope === 'WRITE' ? 'write' : 'read',
          },
        });
        await recordAudit(tx, context.viewer, {
          action: 'createApiKey',
          outcome: 'ok',
          targetId: key.id,
          detail: { scope: key.scope },
        });
        return key;
      });
      return { id: created.id, secret };
    },
  }),
  revokeApiKey: t.prismaField({
    type: 'ApiKey',
    description: "Revokes one of your API keys (administrators: anyone's).",
    args: { id: t.arg.id({ required: true }) },
    authScopes: { writer: true },
    ...auditedRefusal,
    resolve: async (query, _root, args, context) => {
      const id = String(args.id);
      const key = /^[0-9a-f-]{36}$/.test(id)
        ? await context.prisma.apiKey.findUnique({ where: { id } })
        : null;
      const mayRevoke = key && (key.userId === context.viewer?.userId || context.viewer?.role === 'ADMIN');
      if (!key || !mayRevoke) {
        // Another user's key is reported exactly like a missing one: ids do not leak.
        await recordAudit(context.prisma, context.viewer, {
          action: 'revokeApiKey',
          outcome: 'denied',
          targetId: id,
        });
        throw notFound(`You have no API key with the id "${id}"`);
      }
      return context.prisma.$transaction(async (tx) => {
        const revoked = await tx.apiKey.update({
          ...query,
          where: { id },
          data: { revokedAt: key.revokedAt ?? new Date() },
        });
        await recordAudit(tx, context.viewer, { action: 'revokeApiKey', outcome: 'ok', targetId: id });
        return revoked;
      });
    },
  }),
}));
