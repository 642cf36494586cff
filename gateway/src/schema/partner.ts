import { builder } from '../builder.ts';
import { LocalizedText, localized } from './localized-text.ts';

const PartnerKind = builder.enumType('PartnerKind', {
  description: 'STATE_ENTERPRISE covers BUMN and BUMD.',
  values: ['BUSINESS', 'BANK', 'UNIVERSITY', 'STATE_ENTERPRISE', 'MEDIA', 'COMMUNITY'] as const,
});

builder.prismaObject('Partner', {
  description: 'An organisation outside the regency government that takes part in programmes.',
  fields: (t) => ({
    id: t.exposeID('id'),
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
  t.prismaField({
    type: ['Partner'],
    args: { kind: t.arg({ type: PartnerKind, required: false }) },
    resolve: (query, _root, args, context) =>
      context.prisma.partner.findMany({
        ...query,
        where: args.kind ? { kind: args.kind } : {},
        orderBy: { name: 'asc' },
      }),
  }),
);
