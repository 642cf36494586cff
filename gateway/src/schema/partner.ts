import type { Prisma } from '@bisa/db/generated/prisma/client.ts';
import { builder } from '../builder.ts';
import { LocalizedText, localized } from './localized-text.ts';
import { DATABASE_ID } from './node.ts';

const PartnerKind = builder.enumType('PartnerKind', {
  description: 'STATE_ENTERPRISE covers BUMN and BUMD.',
  values: ['BUSINESS', 'BANK', 'UNIVERSITY', 'STATE_ENTERPRISE', 'MEDIA', 'COMMUNITY'] as const,
});

builder.prismaNode('Partner', {
  description: 'An organisation outside the regency government that takes part in programmes.',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
    kind: t.expose('kind', { type: PartnerKind }),
    name: t.exposeString('name'),
    isSample: t.exposeBoolean('isSample'),
    roles: t.relation('programmes', { description: 'Its roles, one per programme.' }),
  }),
});

builder.prismaObject('ProgrammePartner', {
  name: 'PartnerRole',
  description: "A partner's role on one programme.",
  fields: (t) => ({
    partner: t.relation('partner'),
    programme: t.relation('programme'),
    role: t.field({
      type: LocalizedText,
      select: { roleId: true, roleEn: true },
      resolve: (role) => localized(role.roleId, role.roleEn),
    }),
  }),
});

builder.queryField('partners', (t) =>
  t.prismaConnection(
    {
      type: 'Partner',
      cursor: 'id',
      description: 'Partners by name, optionally of one kind.',
      args: { kind: t.arg({ type: PartnerKind, required: false }) },
      totalCount: (_connection, args, context) =>
        context.prisma.partner.count({ where: partnersWhere(args) }),
      resolve: (query, _root, args, context) =>
        context.prisma.partner.findMany({
          ...query,
          where: partnersWhere(args),
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
    },
    { name: 'PartnerConnection' },
    { name: 'PartnerEdge' },
  ),
);

function partnersWhere(filter: { kind?: typeof PartnerKind.$inferType | null }): Prisma.PartnerWhereInput {
  return filter.kind ? { kind: filter.kind } : {};
}
