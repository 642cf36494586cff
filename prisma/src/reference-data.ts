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

export const OBSERVED_PROPERTIES = [
  { id: 'water_level', nameId: 'Tinggi muka air', nameEn: 'Water level' },
  { id: 'rainfall', nameId: 'Curah hujan', nameEn: 'Rainfall' },
  { id: 'pm25', nameId: 'Partikel PM2.5', nameEn: 'Particulate matter PM2.5' },
  { id: 'noise_level', nameId: 'Tingkat kebisingan', nameEn: 'Noise level' },
  { id: 'wifi_users', nameId: 'Pengguna Wi-Fi publik', nameEn: 'Public Wi-Fi users' },
  { id: 'service_uptime', nameId: 'Ketersediaan layanan', nameEn: 'Service uptime' },
  { id: 'applications', nameId: 'Permohonan masuk', nameEn: 'Applications received' },
] as const;
