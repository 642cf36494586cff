import { describe, expect, it } from 'vitest';
import {
  collaborations,
  type ExplorerFilters,
  filterOptions,
  filterProgrammes,
  filtersQuery,
  foldText,
  NO_FILTERS,
  parseFilters,
} from './explorer-filters.ts';
import type { ExplorerPartnerRole, ExplorerProgramme } from './programmes-query.ts';

const society = { databaseId: 'society', sortOrder: 5, name: { id: 'Masyarakat', en: 'Smart Society' } };
const economy = { databaseId: 'economy', sortOrder: 3, name: { id: 'Ekonomi', en: 'Smart Economy' } };
const bpbd = {
  databaseId: 'bpbd',
  acronym: 'BPBD',
  name: { id: 'Badan Penanggulangan Bencana Daerah', en: 'Disaster Agency' },
};
const disdag = {
  databaseId: 'disdag',
  acronym: 'Disdag',
  name: { id: 'Dinas Perdagangan', en: 'Trade Agency' },
};
const telkom = { databaseId: 'telkom', name: 'Telkom Indonesia', kind: 'STATE_ENTERPRISE' } as const;
const koperasi = {
  databaseId: 'koperasi-pasar',
  name: 'Koperasi Pedagang Pasar Sentral',
  kind: 'BUSINESS',
} as const;
const bank = { databaseId: 'bank-sulselbar', name: 'Bank Sulselbar', kind: 'BANK' } as const;

const role = (partner: ExplorerPartnerRole['partner'], id: string, en: string): ExplorerPartnerRole => ({
  partner,
  role: { id, en },
});

const flood: ExplorerProgramme = {
  id: 'P1',
  databaseId: 'flood-early-warning',
  kind: 'QUICK_WIN',
  isSample: true,
  name: { id: 'Peringatan dini banjir', en: 'Flood early warning' },
  dimension: society,
  owner: bpbd,
  partners: [],
};
const call112: ExplorerProgramme = {
  id: 'P2',
  databaseId: 'emergency-call-112',
  kind: 'QUICK_WIN',
  isSample: true,
  name: { id: 'Layanan panggilan darurat 112', en: 'Emergency call service 112' },
  dimension: society,
  owner: bpbd,
  partners: [role(telkom, 'Penyedia jalur 112', '112 line provider')],
};
const qris: ExplorerProgramme = {
  id: 'P3',
  databaseId: 'qris-market-fees',
  kind: 'QUICK_WIN',
  isSample: true,
  name: { id: 'Retribusi pasar dengan QRIS', en: 'Market fees paid with QRIS' },
  dimension: economy,
  owner: disdag,
  partners: [
    role(bank, 'Penyedia QRIS', 'QRIS provider'),
    role(koperasi, 'Sosialisasi ke pedagang', 'Outreach to traders'),
  ],
};
const wifi: ExplorerProgramme = {
  id: 'P4',
  databaseId: 'public-wifi',
  kind: 'QUICK_WIN',
  isSample: true,
  name: { id: 'Wi-Fi publik Taman Kota', en: 'Public Wi-Fi at the city park' },
  dimension: economy,
  owner: disdag,
  partners: [role(telkom, 'Penyedia jaringan', 'Network provider')],
};
const programmes = [flood, call112, qris, wifi];

const selected = (filters: Partial<ExplorerFilters>) =>
  filterProgrammes(programmes, { ...NO_FILTERS, ...filters }).map((programme) => programme.databaseId);

describe('filterProgrammes', () => {
  it('keeps every programme without filters, in the masterplan order of dimensions', () => {
    expect(selected({})).toEqual([
      'qris-market-fees',
      'public-wifi',
      'flood-early-warning',
      'emergency-call-112',
    ]);
  });

  it('filters by dimension and by owner OPD', () => {
    expect(selected({ dimension: 'society' })).toEqual(['flood-early-warning', 'emergency-call-112']);
    expect(selected({ owner: 'disdag' })).toEqual(['qris-market-fees', 'public-wifi']);
    expect(selected({ dimension: 'society', owner: 'disdag' })).toEqual([]);
  });

  it('filters by partner and by partner kind, which must hold for the same role', () => {
    expect(selected({ partner: 'telkom' })).toEqual(['public-wifi', 'emergency-call-112']);
    expect(selected({ partnerKind: 'BANK' })).toEqual(['qris-market-fees']);
    expect(selected({ partner: 'koperasi-pasar', partnerKind: 'BANK' })).toEqual([]);
    expect(selected({ partner: 'telkom', dimension: 'society' })).toEqual(['emergency-call-112']);
  });

  it('searches the names in Indonesian and in English, ignoring case and accents', () => {
    expect(selected({ search: 'banjir' })).toEqual(['flood-early-warning']);
    expect(selected({ search: 'FLOOD' })).toEqual(['flood-early-warning']);
    expect(selected({ search: 'rétribusi' })).toEqual(['qris-market-fees']);
  });

  it('searches agency acronyms and names, partner names and dimensions', () => {
    expect(selected({ search: 'bpbd' })).toEqual(['flood-early-warning', 'emergency-call-112']);
    expect(selected({ search: 'trade agency' })).toEqual(['qris-market-fees', 'public-wifi']);
    expect(selected({ search: 'telkom' })).toEqual(['public-wifi', 'emergency-call-112']);
    expect(selected({ search: 'smart society' })).toEqual(['flood-early-warning', 'emergency-call-112']);
  });

  it('needs every word of a search, in any order and field', () => {
    expect(selected({ search: '  telkom   darurat ' })).toEqual(['emergency-call-112']);
    expect(selected({ search: 'telkom banjir' })).toEqual([]);
  });
});

describe('foldText', () => {
  it('lowers case and drops accents', () => {
    expect(foldText('Pémantauan ÜDARA')).toBe('pemantauan udara');
  });
});

describe('the query string', () => {
  it('round-trips every filter', () => {
    const filters: ExplorerFilters = {
      dimension: 'society',
      owner: 'bpbd',
      partner: 'telkom',
      partnerKind: 'STATE_ENTERPRISE',
      search: 'darurat 112',
    };
    const query = filtersQuery(filters);
    expect(query).toBe('?dimension=society&owner=bpbd&partner=telkom&kind=STATE_ENTERPRISE&q=darurat+112');
    expect(parseFilters(new URLSearchParams(query))).toEqual(filters);
  });

  it('leaves out filters not set and is empty without any', () => {
    expect(filtersQuery(NO_FILTERS)).toBe('');
    expect(filtersQuery({ ...NO_FILTERS, search: '   ', partner: 'telkom' })).toBe('?partner=telkom');
  });

  it('ignores an unknown partner kind and empty values', () => {
    expect(parseFilters(new URLSearchParams('kind=SPACESHIP&dimension=&q=air'))).toEqual({
      ...NO_FILTERS,
      search: 'air',
    });
  });
});

describe('collaborations', () => {
  it('lists each partner once by name with the selected programmes and its role in each', () => {
    const result = collaborations(filterProgrammes(programmes, NO_FILTERS), NO_FILTERS);
    expect(
      result.map((entry) => [
        entry.partner.name,
        entry.roles.map((r) => `${r.programme.databaseId}: ${r.role.en}`),
      ]),
    ).toEqual([
      ['Bank Sulselbar', ['qris-market-fees: QRIS provider']],
      ['Koperasi Pedagang Pasar Sentral', ['qris-market-fees: Outreach to traders']],
      ['Telkom Indonesia', ['public-wifi: Network provider', 'emergency-call-112: 112 line provider']],
    ]);
  });

  it('follows the filters: the selected programmes, and only the partners a partner filter names', () => {
    const society = { ...NO_FILTERS, dimension: 'society' };
    expect(
      collaborations(filterProgrammes(programmes, society), society).map((entry) => [
        entry.partner.databaseId,
        entry.roles.map((r) => r.programme.databaseId),
      ]),
    ).toEqual([['telkom', ['emergency-call-112']]]);
    const banks = { ...NO_FILTERS, partnerKind: 'BANK' as const };
    expect(
      collaborations(filterProgrammes(programmes, banks), banks).map((entry) => entry.partner.databaseId),
    ).toEqual(['bank-sulselbar']);
  });
});

describe('filterOptions', () => {
  it('offers each dimension, OPD and partner that some programme has, once, in order', () => {
    const options = filterOptions(programmes);
    expect(options.dimensions.map((option) => option.value)).toEqual(['economy', 'society']);
    expect(options.owners.map((option) => option.label.en)).toEqual(['BPBD', 'Disdag']);
    expect(options.partners.map((option) => option.value)).toEqual([
      'bank-sulselbar',
      'koperasi-pasar',
      'telkom',
    ]);
  });
});
