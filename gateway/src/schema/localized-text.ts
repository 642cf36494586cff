import { builder } from '../builder.ts';

/** Text people read, in Indonesian (the regency's working language) and English. */
export interface LocalizedTextShape {
  id: string;
  en: string;
}

export const LocalizedText = builder.objectRef<LocalizedTextShape>('LocalizedText').implement({
  description: 'Text in Indonesian (id) and English (en).',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Bahasa Indonesia' }),
    en: t.exposeString('en', { description: 'English' }),
  }),
});

/** Reads the `<field>Id`/`<field>En` column pair every bilingual table uses. */
export function localized(id: string, en: string): LocalizedTextShape {
  return { id, en };
}
