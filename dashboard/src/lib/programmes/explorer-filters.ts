import type { PartnerKind } from '#lib/graphql/evaluation.ts';
import type { LocalizedText } from '#lib/i18n/i18n.svelte.ts';
import type { ExplorerPartnerRole, ExplorerProgramme } from './programmes-query.ts';

// The explorer's filters are pure functions of the programme list and the URL's query string,
// so a shared link opens the same selection and the browser's back button undoes a filter.

export const PARTNER_KINDS: readonly PartnerKind[] = [
  'BANK',
  'BUSINESS',
  'COMMUNITY',
  'MEDIA',
  'STATE_ENTERPRISE',
  'UNIVERSITY',
];

export interface ExplorerFilters {
  /** A dimension's databaseId, e.g. `society`. */
  dimension: string | null;
  /** The owner OPD's databaseId, e.g. `bpbd`. */
  owner: string | null;
  /** A partner's databaseId, e.g. `telkom`. */
  partner: string | null;
  partnerKind: PartnerKind | null;
  /** Free text; every word must appear somewhere in the programme's names. */
  search: string;
}

export const NO_FILTERS: ExplorerFilters = {
  dimension: null,
  owner: null,
  partner: null,
  partnerKind: null,
  search: '',
};

/** The query-string parameter (and form field name) of each filter, in the order a link writes them. */
export const FILTER_PARAMETERS = {
  dimension: 'dimension',
  owner: 'owner',
  partner: 'partner',
  partnerKind: 'kind',
  search: 'q',
} as const satisfies Record<keyof ExplorerFilters, string>;

const isPartnerKind = (value: string | null): value is PartnerKind =>
  PARTNER_KINDS.includes(value as PartnerKind);

/** Reads the filters from a URL's query string; empty or unknown values mean "no filter". */
export function parseFilters(params: Pick<URLSearchParams, 'get'>): ExplorerFilters {
  const kind = params.get(FILTER_PARAMETERS.partnerKind);
  return {
    dimension: params.get(FILTER_PARAMETERS.dimension) || null,
    owner: params.get(FILTER_PARAMETERS.owner) || null,
    partner: params.get(FILTER_PARAMETERS.partner) || null,
    partnerKind: isPartnerKind(kind) ? kind : null,
    search: params.get(FILTER_PARAMETERS.search) ?? '',
  };
}

/** The query string for these filters (`''` without any), leaving out the ones not set. */
export function filtersQuery(filters: ExplorerFilters): string {
  const params = new URLSearchParams();
  for (const [key, parameter] of Object.entries(FILTER_PARAMETERS) as [keyof ExplorerFilters, string][]) {
    const value = filters[key]?.trim();
    if (value) params.set(parameter, value);
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Lower case without accents, so `Pelaporan` matches `pelaporan` and `Ké` matches `ke`. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('id');
}

const searchWords = (search: string) => foldText(search).split(/\s+/).filter(Boolean);

const bothLanguages = (text: LocalizedText) => [text.id, text.en];

/** Everything a search looks in: the names in both languages, the OPD's acronym, the partners. */
function searchableText(programme: ExplorerProgramme): string {
  return foldText(
    [
      ...bothLanguages(programme.name),
      ...bothLanguages(programme.dimension.name),
      programme.owner.acronym,
      ...bothLanguages(programme.owner.name),
      ...programme.partners.map((role) => role.partner.name),
    ].join('\n'),
  );
}

/** A role counts for the partner and partner-kind filters (both, when both are set). */
const roleMatches = (role: ExplorerPartnerRole, filters: ExplorerFilters) =>
  (!filters.partner || role.partner.databaseId === filters.partner) &&
  (!filters.partnerKind || role.partner.kind === filters.partnerKind);

export function matchesFilters(programme: ExplorerProgramme, filters: ExplorerFilters): boolean {
  if (filters.dimension && programme.dimension.databaseId !== filters.dimension) return false;
  if (filters.owner && programme.owner.databaseId !== filters.owner) return false;
  if (
    (filters.partner || filters.partnerKind) &&
    !programme.partners.some((role) => roleMatches(role, filters))
  )
    return false;
  const words = searchWords(filters.search);
  if (words.length === 0) return true;
  const text = searchableText(programme);
  return words.every((word) => text.includes(word));
}

/** The programmes these filters select, in the masterplan order (by dimension, then as listed). */
export function filterProgrammes(
  programmes: readonly ExplorerProgramme[],
  filters: ExplorerFilters,
): ExplorerProgramme[] {
  return programmes
    .filter((programme) => matchesFilters(programme, filters))
    .toSorted((a, b) => a.dimension.sortOrder - b.dimension.sortOrder);
}

export interface Collaboration {
  partner: ExplorerPartnerRole['partner'];
  /** The selected programmes this partner takes part in, each with its role there. */
  roles: { programme: ExplorerProgramme; role: LocalizedText }[];
}

/**
 * Which partners take part in which of the selected programmes, one entry per partner by name.
 * With a partner or partner-kind filter only those partners are shown, not every co-partner.
 */
export function collaborations(
  selected: readonly ExplorerProgramme[],
  filters: ExplorerFilters,
): Collaboration[] {
  const byPartner = new Map<string, Collaboration>();
  for (const programme of selected)
    for (const role of programme.partners) {
      if (!roleMatches(role, filters)) continue;
      let entry = byPartner.get(role.partner.databaseId);
      if (!entry) {
        entry = { partner: role.partner, roles: [] };
        byPartner.set(role.partner.databaseId, entry);
      }
      entry.roles.push({ programme, role: role.role });
    }
  return [...byPartner.values()].toSorted((a, b) => a.partner.name.localeCompare(b.partner.name, 'id'));
}

export interface FilterOption {
  value: string;
  label: LocalizedText;
}

export interface FilterOptions {
  dimensions: FilterOption[];
  owners: FilterOption[];
  partners: FilterOption[];
}

/** The choices each filter offers: only what some programme has, so no choice comes up empty. */
export function filterOptions(programmes: readonly ExplorerProgramme[]): FilterOptions {
  const dimensions = new Map<string, { option: FilterOption; sortOrder: number }>();
  const owners = new Map<string, FilterOption>();
  const partners = new Map<string, FilterOption>();
  for (const { dimension, owner, partners: roles } of programmes) {
    dimensions.set(dimension.databaseId, {
      option: { value: dimension.databaseId, label: dimension.name },
      sortOrder: dimension.sortOrder,
    });
    // The acronym is how OPDs are known in the regency, in either language.
    owners.set(owner.databaseId, {
      value: owner.databaseId,
      label: { id: owner.acronym, en: owner.acronym },
    });
    for (const { partner } of roles)
      partners.set(partner.databaseId, {
        value: partner.databaseId,
        label: { id: partner.name, en: partner.name },
      });
  }
  const byLabel = (a: FilterOption, b: FilterOption) => a.label.id.localeCompare(b.label.id, 'id');
  return {
    dimensions: [...dimensions.values()]
      .toSorted((a, b) => a.sortOrder - b.sortOrder)
      .map(({ option }) => option),
    owners: [...owners.values()].toSorted(byLabel),
    partners: [...partners.values()].toSorted(byLabel),
  };
}
