import type PrismaTypes from '@bisa/db/generated/pothos-types.ts';
import { getDatamodel } from '@bisa/db/generated/pothos-types.ts';
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
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
}>({
  plugins: [PrismaPlugin],
  defaultFieldNullability: false,
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    // Prisma errors carry table and column names; they stay masked like any unexpected error.
    exposeDescriptions: false,
  },
});

builder.queryType({});
builder.subscriptionType({});
