import type PrismaTypes from '@bisa/db/generated/pothos-types.ts';
import { getDatamodel } from '@bisa/db/generated/pothos-types.ts';
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { GatewayContext } from './context.ts';

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  PrismaTypes: PrismaTypes;
  // Non-null unless a field says otherwise: clients should not null-check what is always there.
  DefaultFieldNullability: false;
  Scalars: {
    Date: { Input: Date; Output: Date };
    DateTime: { Input: Date; Output: Date };
  };
  AuthScopes: {
    /** Any signed-in user or API key. */
    signedIn: boolean;
    /** Signed in with the right to change things (a session, or a WRITE key). */
    writer: boolean;
    /** Signed in through the dashboard (not an API key). */
    session: boolean;
    /** An administrator allowed to write. */
    admin: boolean;
    /** A reporter of this agency allowed to write. */
    reporterFor: string;
  };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => {
      const viewer = context.viewer;
      return {
        signedIn: viewer !== null,
        writer: viewer?.canWrite === true,
        session: viewer?.via === 'session',
        admin: viewer?.role === 'ADMIN' && viewer.canWrite,
        reporterFor: (agencyId) =>
          viewer?.role === 'REPORTER' && viewer.canWrite && viewer.agencyId === agencyId,
      };
    },
  },
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    // Prisma errors carry table and column names; they stay masked like any unexpected error.
    exposeDescriptions: false,
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
