import { builder } from '../builder.ts';
import { LocalizedText, localized } from './localized-text.ts';

builder.prismaObject('Agency', {
  description: 'A regional government agency (OPD) of Luwu Utara.',
  fields: (t) => ({
    id: t.exposeID('id'),
    acronym: t.exposeString('acronym'),
    name: t.field({
      type: LocalizedText,
      select: { nameId: true, nameEn: true },
      resolve: (agency) => localized(agency.nameId, agency.nameEn),
    }),
  }),
});
