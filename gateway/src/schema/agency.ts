import { builder } from '../builder.ts';
import { LocalizedText, localized } from './localized-text.ts';
import { DATABASE_ID } from './node.ts';

builder.prismaNode('Agency', {
  description: 'A regional government agency (OPD) of Luwu Utara.',
  id: { field: 'id' },
  nullable: true,
  fields: (t) => ({
    databaseId: t.exposeString('id', { description: DATABASE_ID }),
    acronym: t.exposeString('acronym'),
    name: t.field({
      type: LocalizedText,
      select: { nameId: true, nameEn: true },
      resolve: (agency) => localized(agency.nameId, agency.nameEn),
    }),
  }),
});
