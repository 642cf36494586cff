/**
 * Reference data from the Luwu Utara BISA Smart City masterplan 2022-2032: the six national
 * smart-city dimensions and the agency (OPD) that coordinates each. Seeded in every mode.
 */
export const AGENCIES = [
  {
    id: 'bappelitbangda',
    acronym: 'Bappelitbangda',
    nameId: 'Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah',
    nameEn: 'Regional Development Planning, Research and Development Agency',
  },
  {
    id: 'dputrpkp2',
    acronym: 'DPUTRPKP2',
    nameId: 'Dinas Pekerjaan Umum, Tata Ruang, Perumahan dan Kawasan Permukiman, dan Pertanahan',
    nameEn: 'Public Works, Spatial Planning, Housing and Land Agency',
  },
  {
    id: 'disporapar',
    acronym: 'Disporapar',
    nameId: 'Dinas Kepemudaan, Olahraga dan Pariwisata',
    nameEn: 'Youth, Sports and Tourism Agency',
  },
  {
    id: 'diskominfo-sp',
    acronym: 'Diskominfo SP',
    nameId: 'Dinas Komunikasi, Informatika, Statistik dan Persandian',
    nameEn: 'Communication, Informatics, Statistics and Encoding Agency',
  },
  {
    id: 'bpbd',
    acronym: 'BPBD',
    nameId: 'Badan Penanggulangan Bencana Daerah',
    nameEn: 'Regional Disaster Management Agency',
  },
  { id: 'dlh', acronym: 'DLH', nameId: 'Dinas Lingkungan Hidup', nameEn: 'Environment Agency' },
  // Agencies that own sample quick wins; every Indonesian regency has one with this remit, though
  // the exact nomenclature in Luwu Utara is unverified.
  { id: 'dinkes', acronym: 'Dinkes', nameId: 'Dinas Kesehatan', nameEn: 'Health Agency' },
  {
    id: 'disdukcapil',
    acronym: 'Disdukcapil',
    nameId: 'Dinas Kependudukan dan Pencatatan Sipil',
    nameEn: 'Population and Civil Registration Agency',
  },
  {
    id: 'dpmptsp',
    acronym: 'DPMPTSP',
    nameId: 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu',
    nameEn: 'Investment and One-Stop Integrated Services Agency',
  },
  { id: 'disdag', acronym: 'Disdag', nameId: 'Dinas Perdagangan', nameEn: 'Trade Agency' },
  { id: 'dishub', acronym: 'Dishub', nameId: 'Dinas Perhubungan', nameEn: 'Transport Agency' },
  {
    id: 'kesbangpol',
    acronym: 'Kesbangpol',
    nameId: 'Badan Kesatuan Bangsa dan Politik',
    nameEn: 'National Unity and Politics Agency',
  },
] as const;

export const DIMENSIONS = [
  {
    id: 'governance',
    nameId: 'Tata Kelola (Smart Governance)',
    nameEn: 'Smart Governance',
    coordinatorAgencyId: 'bappelitbangda',
  },
  {
    id: 'branding',
    nameId: 'Branding (Smart Branding)',
    nameEn: 'Smart Branding',
    coordinatorAgencyId: 'dputrpkp2',
  },
  {
    id: 'economy',
    nameId: 'Ekonomi (Smart Economy)',
    nameEn: 'Smart Economy',
    coordinatorAgencyId: 'disporapar',
  },
  {
    id: 'living',
    nameId: 'Kehidupan (Smart Living)',
    nameEn: 'Smart Living',
    coordinatorAgencyId: 'diskominfo-sp',
  },
  {
    id: 'society',
    nameId: 'Masyarakat (Smart Society)',
    nameEn: 'Smart Society',
    coordinatorAgencyId: 'bpbd',
  },
  {
    id: 'environment',
    nameId: 'Lingkungan (Smart Environment)',
    nameEn: 'Smart Environment',
    coordinatorAgencyId: 'dlh',
  },
] as const;

/**
 * Sub-dimensions of each dimension, after the national smart-city guidance (the governance ones
 * are named in the masterplan's reporting; the others follow the guidance and are unverified for
 * this regency). A programme may name one.
 */
export const SUB_DIMENSIONS = [
  {
    id: 'governance-public-services',
    dimensionId: 'governance',
    nameId: 'Layanan publik',
    nameEn: 'Public services',
  },
  {
    id: 'governance-public-policy',
    dimensionId: 'governance',
    nameId: 'Kebijakan publik',
    nameEn: 'Public policy',
  },
  {
    id: 'governance-bureaucracy',
    dimensionId: 'governance',
    nameId: 'Manajemen birokrasi',
    nameEn: 'Bureaucratic management',
  },
  {
    id: 'branding-tourism',
    dimensionId: 'branding',
    nameId: 'Branding pariwisata',
    nameEn: 'Tourism branding',
  },
  { id: 'branding-city-look', dimensionId: 'branding', nameId: 'Wajah kota', nameEn: 'City appearance' },
  {
    id: 'economy-industry',
    dimensionId: 'economy',
    nameId: 'Ekosistem industri',
    nameEn: 'Industry ecosystem',
  },
  {
    id: 'economy-transactions',
    dimensionId: 'economy',
    nameId: 'Ekosistem transaksi keuangan',
    nameEn: 'Financial transaction ecosystem',
  },
  { id: 'living-health', dimensionId: 'living', nameId: 'Kesehatan', nameEn: 'Health' },
  { id: 'living-mobility', dimensionId: 'living', nameId: 'Mobilitas', nameEn: 'Mobility' },
  {
    id: 'living-connectivity',
    dimensionId: 'living',
    nameId: 'Sarana dan konektivitas',
    nameEn: 'Facilities and connectivity',
  },
  {
    id: 'society-protection',
    dimensionId: 'society',
    nameId: 'Keamanan dan perlindungan',
    nameEn: 'Safety and protection',
  },
  {
    id: 'society-interaction',
    dimensionId: 'society',
    nameId: 'Interaksi masyarakat',
    nameEn: 'Community interaction',
  },
  {
    id: 'environment-protection',
    dimensionId: 'environment',
    nameId: 'Proteksi lingkungan',
    nameEn: 'Environmental protection',
  },
  {
    id: 'environment-waste',
    dimensionId: 'environment',
    nameId: 'Tata kelola sampah',
    nameEn: 'Waste management',
  },
  {
    id: 'environment-energy',
    dimensionId: 'environment',
    nameId: 'Tata kelola energi',
    nameEn: 'Energy management',
  },
] as const;

/**
 * The evaluation scheme used when no other is chosen. The ministry scores Baseline, Output,
 * Outcome, Impact and Quick Win; published weights differ between regions, so these (one
 * region's 10/20/30/30/10) are an editable starting point, not Luwu Utara's official weights.
 */
export const DEFAULT_EVALUATION_SCHEME = {
  id: 'default',
  nameId: 'Skema evaluasi bawaan (bobot 10/20/30/30/10, dapat diubah)',
  nameEn: 'Default evaluation scheme (weights 10/20/30/30/10, editable)',
  onTrackRatio: 0.9,
  atRiskRatio: 0.6,
  weights: { BASELINE: 10, OUTPUT: 20, OUTCOME: 30, IMPACT: 30, QUICK_WIN: 10 },
} as const;

export const OBSERVED_PROPERTIES = [
  { id: 'water_level', nameId: 'Tinggi muka air', nameEn: 'Water level' },
  { id: 'rainfall', nameId: 'Curah hujan', nameEn: 'Rainfall' },
  { id: 'pm25', nameId: 'Partikel PM2.5', nameEn: 'Particulate matter PM2.5' },
  { id: 'noise_level', nameId: 'Tingkat kebisingan', nameEn: 'Noise level' },
  { id: 'wifi_users', nameId: 'Pengguna Wi-Fi publik', nameEn: 'Public Wi-Fi users' },
  { id: 'service_uptime', nameId: 'Ketersediaan layanan', nameEn: 'Service uptime' },
  { id: 'applications', nameId: 'Permohonan masuk', nameEn: 'Applications received' },
] as const;

/**
 * The default alert levels, lowest first, after Indonesian disaster practice (Normal is the
 * absence of an alert). Each rule names its own levels; these are what the sample rules use.
 */
export const DEFAULT_ALERT_LEVELS = ['WASPADA', 'SIAGA', 'AWAS'] as const;

/**
 * How often an open alert is announced again at each level (every transition is always sent):
 * alert (waspada) three times a day, emergency (awas) every 15 minutes until someone
 * acknowledges it. Inserted once, then editable data; a level without a row gets no reminders.
 */
export const DEFAULT_ALERT_CADENCES = [
  { level: 'WASPADA', repeatSeconds: 8 * 3600, repeatUntilAcknowledged: false },
  { level: 'SIAGA', repeatSeconds: 2 * 3600, repeatUntilAcknowledged: false },
  { level: 'AWAS', repeatSeconds: 15 * 60, repeatUntilAcknowledged: true },
] as const;
