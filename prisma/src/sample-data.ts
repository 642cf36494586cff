/**
 * SAMPLE DATA, not the regency's official list: a few illustrative quick wins with devices
 * around Masamba, so the embedded hub shows something live from the first minute. Every row
 * is stored with is_sample = true and the UI labels it as sample data. The device secrets
 * are public sample credentials: never use them on a reachable broker.
 */
type SampleProgramme = {
  id: string;
  kind: 'PROGRAMME' | 'QUICK_WIN';
  dimensionId: string;
  subDimensionId: string | null;
  ownerAgencyId: string;
  nameId: string;
  nameEn: string;
  descriptionId: string;
  descriptionEn: string;
  startDate: string;
  status: 'PLANNED' | 'RUNNING' | 'CONTINUED' | 'STOPPED';
};

const quickWin = (p: Omit<SampleProgramme, 'kind' | 'status'> & { status?: SampleProgramme['status'] }) =>
  ({ kind: 'QUICK_WIN', status: 'CONTINUED', ...p }) as const satisfies SampleProgramme;

export const SAMPLE_PROGRAMMES: readonly SampleProgramme[] = [
  quickWin({
    id: 'ormas-online-registration',
    dimensionId: 'governance',
    subDimensionId: 'governance-public-services',
    ownerAgencyId: 'kesbangpol',
    nameId: 'Pendaftaran organisasi kemasyarakatan secara daring',
    nameEn: 'Online registration of community organisations',
    descriptionId: 'Layanan daring pendaftaran ormas di Kesbangpol.',
    descriptionEn: 'Online registration service for community organisations at Kesbangpol.',
    startDate: '2023-01-16',
  }),
  quickWin({
    id: 'service-mall-queue',
    dimensionId: 'governance',
    subDimensionId: 'governance-public-services',
    ownerAgencyId: 'dpmptsp',
    nameId: 'Antrean daring Mal Pelayanan Publik',
    nameEn: 'Online queue at the public service mall',
    descriptionId: 'Nomor antrean dari ponsel dan papan antrean langsung di Mal Pelayanan Publik.',
    descriptionEn: 'Queue numbers from a phone and a live queue board at the public service mall.',
    startDate: '2023-02-06',
  }),
  quickWin({
    id: 'one-data-portal',
    dimensionId: 'governance',
    subDimensionId: 'governance-public-policy',
    ownerAgencyId: 'bappelitbangda',
    nameId: 'Portal Satu Data Luwu Utara',
    nameEn: 'Luwu Utara One Data portal',
    descriptionId: 'Dataset OPD diterbitkan di satu portal data terbuka (Satu Data Indonesia).',
    descriptionEn: 'Agency datasets published on one open-data portal (Satu Data Indonesia).',
    startDate: '2023-03-01',
  }),
  {
    id: 'masamba-water-city',
    kind: 'PROGRAMME',
    status: 'RUNNING',
    dimensionId: 'branding',
    subDimensionId: 'branding-city-look',
    ownerAgencyId: 'dputrpkp2',
    nameId: 'Masamba Water City',
    nameEn: 'Masamba Water City',
    descriptionId: 'Penataan kawasan tepian Sungai Masamba sebagai wajah kota yang tangguh banjir.',
    descriptionEn: 'Riverside redevelopment along the Masamba river as a flood-resilient face of the town.',
    startDate: '2023-06-01',
  },
  quickWin({
    id: 'tourism-information',
    dimensionId: 'branding',
    subDimensionId: 'branding-tourism',
    ownerAgencyId: 'disporapar',
    nameId: 'Informasi wisata digital Luwu Utara',
    nameEn: 'Digital tourism information for Luwu Utara',
    descriptionId: 'Kalender acara dan peta destinasi wisata di satu laman.',
    descriptionEn: 'Event calendar and map of tourist destinations on one site.',
    startDate: '2023-02-13',
  }),
  quickWin({
    id: 'market-prices',
    dimensionId: 'economy',
    subDimensionId: 'economy-industry',
    ownerAgencyId: 'disdag',
    nameId: 'Harga komoditas pasar harian',
    nameEn: 'Daily market commodity prices',
    descriptionId: 'Harga bahan pokok di pasar utama diterbitkan setiap hari.',
    descriptionEn: 'Staple prices at the main markets published every day.',
    startDate: '2023-01-09',
  }),
  quickWin({
    id: 'qris-market-fees',
    dimensionId: 'economy',
    subDimensionId: 'economy-transactions',
    ownerAgencyId: 'disdag',
    nameId: 'Retribusi pasar dengan QRIS',
    nameEn: 'Market fees paid with QRIS',
    descriptionId: 'Pedagang membayar retribusi pasar secara nontunai dengan QRIS.',
    descriptionEn: 'Traders pay market fees cashless with QRIS.',
    startDate: '2023-04-03',
  }),
  quickWin({
    id: 'public-wifi',
    dimensionId: 'living',
    subDimensionId: 'living-connectivity',
    ownerAgencyId: 'diskominfo-sp',
    nameId: 'Wi-Fi publik Taman Kota Masamba',
    nameEn: 'Public Wi-Fi at Masamba city park',
    descriptionId: 'Titik akses Wi-Fi gratis dengan pemantauan pengguna dan ketersediaan.',
    descriptionEn: 'Free Wi-Fi access point with user and uptime monitoring.',
    startDate: '2023-02-01',
  }),
  quickWin({
    id: 'health-centre-queue',
    dimensionId: 'living',
    subDimensionId: 'living-health',
    ownerAgencyId: 'dinkes',
    nameId: 'Pendaftaran daring puskesmas',
    nameEn: 'Online registration at health centres',
    descriptionId: 'Pasien mendaftar ke puskesmas dari rumah dan datang sesuai jadwal.',
    descriptionEn: 'Patients register with the health centre from home and come at their slot.',
    startDate: '2023-03-13',
  }),
  quickWin({
    id: 'street-lights',
    dimensionId: 'living',
    subDimensionId: 'living-mobility',
    ownerAgencyId: 'dishub',
    nameId: 'Pemantauan lampu penerangan jalan',
    nameEn: 'Street-light monitoring',
    descriptionId: 'Laporan lampu jalan padam dan waktu perbaikannya di jalan poros Masamba.',
    descriptionEn: 'Reports of failed street lights and repair times on the Masamba trunk road.',
    startDate: '2023-05-02',
  }),
  quickWin({
    id: 'flood-early-warning',
    dimensionId: 'society',
    subDimensionId: 'society-protection',
    ownerAgencyId: 'bpbd',
    nameId: 'Peringatan dini banjir Sungai Masamba dan Baliase',
    nameEn: 'Flood early warning on the Masamba and Baliase rivers',
    descriptionId: 'Pos duga air otomatis dengan penakar hujan, pengganti pengecekan langsung di jembatan.',
    descriptionEn: 'Automatic river gauges with rain gauges, replacing checks in person at the bridge.',
    startDate: '2023-01-02',
  }),
  quickWin({
    id: 'emergency-call-112',
    dimensionId: 'society',
    subDimensionId: 'society-protection',
    ownerAgencyId: 'diskominfo-sp',
    nameId: 'Layanan panggilan darurat 112',
    nameEn: 'Emergency call service 112',
    descriptionId: 'Satu nomor darurat terhubung ke ruang kendali dan OPD terkait.',
    descriptionEn: 'One emergency number connected to the control room and the agencies concerned.',
    startDate: '2023-04-17',
  }),
  quickWin({
    id: 'online-civil-documents',
    dimensionId: 'society',
    subDimensionId: 'society-interaction',
    ownerAgencyId: 'disdukcapil',
    nameId: 'Dokumen kependudukan daring',
    nameEn: 'Civil registration documents online',
    descriptionId: 'Akta dan kartu keluarga diurus daring dan dicetak mandiri.',
    descriptionEn: 'Birth certificates and family cards applied for online and printed at home.',
    startDate: '2023-01-23',
  }),
  quickWin({
    id: 'market-air-quality',
    dimensionId: 'environment',
    subDimensionId: 'environment-protection',
    ownerAgencyId: 'dlh',
    nameId: 'Pemantauan kualitas udara dan kebisingan Pasar Sentral Masamba',
    nameEn: 'Air quality and noise monitoring at Masamba central market',
    descriptionId: 'Sensor PM2.5 dan kebisingan di sekitar pasar.',
    descriptionEn: 'PM2.5 and noise sensors around the market.',
    startDate: '2023-03-01',
  }),
  quickWin({
    id: 'waste-collection',
    dimensionId: 'environment',
    subDimensionId: 'environment-waste',
    ownerAgencyId: 'dlh',
    nameId: 'Jadwal dan rute truk sampah',
    nameEn: 'Waste-truck schedules and routes',
    descriptionId: 'Rute truk sampah dan keterisian TPS dipantau agar tidak ada TPS yang meluap.',
    descriptionEn: 'Waste-truck routes and collection-point fill levels tracked so no point overflows.',
    startDate: '2023-02-20',
  }),
  quickWin({
    id: 'river-cleanup-community',
    dimensionId: 'environment',
    subDimensionId: 'environment-protection',
    ownerAgencyId: 'dlh',
    status: 'RUNNING',
    nameId: 'Gerakan bersih sungai bersama komunitas',
    nameEn: 'Community river clean-up movement',
    descriptionId: 'Kegiatan rutin bersih sungai dengan relawan dan sekolah.',
    descriptionEn: 'Regular river clean-ups with volunteers and schools.',
    startDate: '2023-07-01',
  }),
];

/** Partners (sample): organisations outside the regency government taking roles on programmes. */
export const SAMPLE_PARTNERS = [
  { id: 'bank-sulselbar', kind: 'BANK', name: 'Bank Sulselbar' },
  { id: 'telkom', kind: 'STATE_ENTERPRISE', name: 'Telkom Indonesia' },
  { id: 'perumda-air-minum', kind: 'STATE_ENTERPRISE', name: 'Perumda Air Minum Luwu Utara (contoh)' },
  { id: 'universitas-andi-djemma', kind: 'UNIVERSITY', name: 'Universitas Andi Djemma' },
  { id: 'media-daring-lokal', kind: 'MEDIA', name: 'Media daring lokal (contoh)' },
  { id: 'relawan-siaga-banjir', kind: 'COMMUNITY', name: 'Relawan Siaga Banjir Masamba (contoh)' },
  { id: 'koperasi-pasar', kind: 'BUSINESS', name: 'Koperasi Pedagang Pasar Sentral (contoh)' },
] as const;

export const SAMPLE_PROGRAMME_PARTNERS = [
  {
    programmeId: 'qris-market-fees',
    partnerId: 'bank-sulselbar',
    roleId: 'Penyedia QRIS',
    roleEn: 'QRIS provider',
  },
  {
    programmeId: 'qris-market-fees',
    partnerId: 'koperasi-pasar',
    roleId: 'Sosialisasi ke pedagang',
    roleEn: 'Outreach to traders',
  },
  {
    programmeId: 'public-wifi',
    partnerId: 'telkom',
    roleId: 'Penyedia jaringan',
    roleEn: 'Network provider',
  },
  {
    programmeId: 'emergency-call-112',
    partnerId: 'telkom',
    roleId: 'Penyedia jalur 112',
    roleEn: '112 line provider',
  },
  {
    programmeId: 'flood-early-warning',
    partnerId: 'universitas-andi-djemma',
    roleId: 'Kalibrasi dan kajian ambang',
    roleEn: 'Calibration and threshold study',
  },
  {
    programmeId: 'flood-early-warning',
    partnerId: 'relawan-siaga-banjir',
    roleId: 'Penyebaran peringatan di desa',
    roleEn: 'Spreading warnings in villages',
  },
  {
    programmeId: 'market-prices',
    partnerId: 'media-daring-lokal',
    roleId: 'Publikasi harga harian',
    roleEn: 'Publishing daily prices',
  },
  {
    programmeId: 'market-prices',
    partnerId: 'koperasi-pasar',
    roleId: 'Pelaporan harga',
    roleEn: 'Price reporting',
  },
  {
    programmeId: 'one-data-portal',
    partnerId: 'universitas-andi-djemma',
    roleId: 'Pendampingan data',
    roleEn: 'Data mentoring',
  },
  {
    programmeId: 'masamba-water-city',
    partnerId: 'perumda-air-minum',
    roleId: 'Jaringan air bersih',
    roleEn: 'Clean-water network',
  },
  {
    programmeId: 'river-cleanup-community',
    partnerId: 'relawan-siaga-banjir',
    roleId: 'Relawan',
    roleEn: 'Volunteers',
  },
  {
    programmeId: 'tourism-information',
    partnerId: 'media-daring-lokal',
    roleId: 'Promosi acara',
    roleEn: 'Event promotion',
  },
] as const;

type SampleKpi = {
  id: string;
  programmeId: string;
  nameId: string;
  nameEn: string;
  unit: string;
  direction: 'INCREASE' | 'DECREASE';
  baseline: number;
  target: number;
  component: 'BASELINE' | 'OUTPUT' | 'OUTCOME' | 'IMPACT' | 'QUICK_WIN';
} & (
  | {
      source: 'COMPUTED';
      thingId: string;
      datastreamKey: string;
      aggregation: 'AVG' | 'MIN' | 'MAX' | 'SUM' | 'COUNT' | 'LAST';
    }
  | { source: 'REPORTED' }
);

/**
 * Sample KPIs. Computed ones read their quick win's telemetry; reported ones are filled by the
 * OPD's progress reports. Their window is the current evaluation year (see seed.ts): quick wins
 * are meant to continue, and are evaluated again, after their first year.
 */
export const SAMPLE_KPIS: readonly SampleKpi[] = [
  {
    id: 'ormas-applications',
    programmeId: 'ormas-online-registration',
    nameId: 'Permohonan ormas daring',
    nameEn: 'Online organisation applications',
    unit: 'permohonan',
    direction: 'INCREASE',
    baseline: 0,
    target: 120,
    component: 'OUTPUT',
    source: 'COMPUTED',
    thingId: 'ormas-service-01',
    datastreamKey: 'applications',
    aggregation: 'SUM',
  },
  {
    id: 'ormas-uptime',
    programmeId: 'ormas-online-registration',
    nameId: 'Ketersediaan layanan',
    nameEn: 'Service uptime',
    unit: '%',
    direction: 'INCREASE',
    baseline: 90,
    target: 99,
    component: 'QUICK_WIN',
    source: 'COMPUTED',
    thingId: 'ormas-service-01',
    datastreamKey: 'uptime',
    aggregation: 'AVG',
  },
  {
    id: 'mpp-waiting-time',
    programmeId: 'service-mall-queue',
    nameId: 'Rata-rata waktu tunggu',
    nameEn: 'Average waiting time',
    unit: 'menit',
    direction: 'DECREASE',
    baseline: 45,
    target: 15,
    component: 'OUTCOME',
    source: 'REPORTED',
  },
  {
    id: 'one-data-datasets',
    programmeId: 'one-data-portal',
    nameId: 'Dataset OPD terbit',
    nameEn: 'Agency datasets published',
    unit: 'dataset',
    direction: 'INCREASE',
    baseline: 12,
    target: 150,
    component: 'BASELINE',
    source: 'REPORTED',
  },
  {
    id: 'water-city-riverside',
    programmeId: 'masamba-water-city',
    nameId: 'Tepian sungai tertata',
    nameEn: 'Riverside redeveloped',
    unit: 'm',
    direction: 'INCREASE',
    baseline: 0,
    target: 800,
    component: 'OUTPUT',
    source: 'REPORTED',
  },
  {
    id: 'tourism-visitors',
    programmeId: 'tourism-information',
    nameId: 'Kunjungan wisatawan',
    nameEn: 'Tourist visits',
    unit: 'kunjungan',
    direction: 'INCREASE',
    baseline: 40000,
    target: 55000,
    component: 'IMPACT',
    source: 'REPORTED',
  },
  {
    id: 'market-prices-days',
    programmeId: 'market-prices',
    nameId: 'Hari dengan harga terbit',
    nameEn: 'Days with prices published',
    unit: '%',
    direction: 'INCREASE',
    baseline: 20,
    target: 95,
    component: 'OUTPUT',
    source: 'REPORTED',
  },
  {
    id: 'qris-traders',
    programmeId: 'qris-market-fees',
    nameId: 'Pedagang membayar dengan QRIS',
    nameEn: 'Traders paying with QRIS',
    unit: '%',
    direction: 'INCREASE',
    baseline: 0,
    target: 60,
    component: 'OUTCOME',
    source: 'REPORTED',
  },
  {
    id: 'wifi-daily-users',
    programmeId: 'public-wifi',
    nameId: 'Rata-rata pengguna terhubung',
    nameEn: 'Average connected users',
    unit: 'pengguna',
    direction: 'INCREASE',
    baseline: 5,
    target: 40,
    component: 'OUTCOME',
    source: 'COMPUTED',
    thingId: 'masamba-park-wifi-01',
    datastreamKey: 'wifi_users',
    aggregation: 'AVG',
  },
  {
    id: 'wifi-uptime',
    programmeId: 'public-wifi',
    nameId: 'Ketersediaan Wi-Fi',
    nameEn: 'Wi-Fi uptime',
    unit: '%',
    direction: 'INCREASE',
    baseline: 85,
    target: 98,
    component: 'QUICK_WIN',
    source: 'COMPUTED',
    thingId: 'masamba-park-wifi-01',
    datastreamKey: 'uptime',
    aggregation: 'AVG',
  },
  {
    id: 'health-online-share',
    programmeId: 'health-centre-queue',
    nameId: 'Pasien mendaftar daring',
    nameEn: 'Patients registering online',
    unit: '%',
    direction: 'INCREASE',
    baseline: 0,
    target: 40,
    component: 'OUTCOME',
    source: 'REPORTED',
  },
  {
    id: 'street-light-repair',
    programmeId: 'street-lights',
    nameId: 'Waktu perbaikan lampu padam',
    nameEn: 'Repair time of failed lights',
    unit: 'hari',
    direction: 'DECREASE',
    baseline: 14,
    target: 3,
    component: 'OUTCOME',
    source: 'REPORTED',
  },
  {
    id: 'flood-gauge-readings',
    programmeId: 'flood-early-warning',
    nameId: 'Pembacaan pos duga air Masamba diterima',
    nameEn: 'Masamba gauge readings received',
    unit: 'pembacaan',
    direction: 'INCREASE',
    baseline: 0,
    target: 525600,
    component: 'OUTPUT',
    source: 'COMPUTED',
    thingId: 'masamba-river-01',
    datastreamKey: 'water_level',
    aggregation: 'COUNT',
  },
  {
    id: 'flood-villages-reached',
    programmeId: 'flood-early-warning',
    nameId: 'Desa menerima peringatan',
    nameEn: 'Villages receiving warnings',
    unit: 'desa',
    direction: 'INCREASE',
    baseline: 0,
    target: 36,
    component: 'IMPACT',
    source: 'REPORTED',
  },
  {
    id: 'call-112-answered',
    programmeId: 'emergency-call-112',
    nameId: 'Panggilan terjawab < 10 detik',
    nameEn: 'Calls answered within 10 s',
    unit: '%',
    direction: 'INCREASE',
    baseline: 50,
    target: 90,
    component: 'OUTCOME',
    source: 'REPORTED',
  },
  {
    id: 'civil-docs-online',
    programmeId: 'online-civil-documents',
    nameId: 'Dokumen terbit daring',
    nameEn: 'Documents issued online',
    unit: '%',
    direction: 'INCREASE',
    baseline: 5,
    target: 70,
    component: 'OUTPUT',
    source: 'REPORTED',
  },
  {
    id: 'market-pm25',
    programmeId: 'market-air-quality',
    nameId: 'Rata-rata PM2.5',
    nameEn: 'Average PM2.5',
    unit: 'µg/m³',
    direction: 'DECREASE',
    baseline: 55,
    target: 35,
    component: 'IMPACT',
    source: 'COMPUTED',
    thingId: 'masamba-market-aq-01',
    datastreamKey: 'pm25',
    aggregation: 'AVG',
  },
  {
    id: 'waste-overflow',
    programmeId: 'waste-collection',
    nameId: 'TPS meluap per minggu',
    nameEn: 'Overflowing collection points a week',
    unit: 'TPS',
    direction: 'DECREASE',
    baseline: 12,
    target: 2,
    component: 'OUTCOME',
    source: 'REPORTED',
  },
  {
    id: 'river-cleanup-events',
    programmeId: 'river-cleanup-community',
    nameId: 'Kegiatan bersih sungai',
    nameEn: 'River clean-up events',
    unit: 'kegiatan',
    direction: 'INCREASE',
    baseline: 0,
    target: 24,
    component: 'QUICK_WIN',
    source: 'REPORTED',
  },
];

/**
 * Sample progress reports, placed by day of the current evaluation year. Only approved ones
 * count; a pending and a rejected one show the review workflow.
 */
export const SAMPLE_REPORTS = [
  { kpiId: 'mpp-waiting-time', day: 60, value: 32, status: 'APPROVED', note: 'Rekap antrean Februari' },
  { kpiId: 'mpp-waiting-time', day: 240, value: 21, status: 'APPROVED', note: 'Rekap antrean Agustus' },
  { kpiId: 'one-data-datasets', day: 200, value: 96, status: 'APPROVED', note: 'Dataset di portal per Juli' },
  { kpiId: 'water-city-riverside', day: 180, value: 250, status: 'APPROVED', note: 'Segmen pertama selesai' },
  {
    kpiId: 'tourism-visitors',
    day: 270,
    value: 43500,
    status: 'APPROVED',
    note: 'Data kunjungan s.d. September',
  },
  {
    kpiId: 'market-prices-days',
    day: 300,
    value: 88,
    status: 'APPROVED',
    note: 'Persentase hari terbit s.d. Oktober',
  },
  { kpiId: 'qris-traders', day: 250, value: 18, status: 'APPROVED', note: 'Survei pedagang' },
  { kpiId: 'qris-traders', day: 320, value: 41, status: 'SUBMITTED', note: 'Survei pedagang November' },
  {
    kpiId: 'health-online-share',
    day: 280,
    value: 31,
    status: 'APPROVED',
    note: 'Rekap pendaftaran puskesmas',
  },
  { kpiId: 'street-light-repair', day: 210, value: 6, status: 'APPROVED', note: 'Rata-rata waktu perbaikan' },
  {
    kpiId: 'flood-villages-reached',
    day: 150,
    value: 12,
    status: 'APPROVED',
    note: 'Desa dalam grup peringatan',
  },
  {
    kpiId: 'flood-villages-reached',
    day: 310,
    value: 40,
    status: 'REJECTED',
    note: 'Termasuk desa di luar kabupaten',
  },
  { kpiId: 'call-112-answered', day: 290, value: 78, status: 'APPROVED', note: 'Laporan pusat panggilan' },
  { kpiId: 'civil-docs-online', day: 300, value: 52, status: 'APPROVED', note: 'Rekap layanan daring' },
  { kpiId: 'waste-overflow', day: 230, value: 7, status: 'APPROVED', note: 'Rata-rata mingguan Agustus' },
  { kpiId: 'river-cleanup-events', day: 305, value: 9, status: 'APPROVED', note: 'Kegiatan s.d. Oktober' },
] as const;

export const SAMPLE_LOCATIONS = [
  { id: 'masamba-bridge', name: 'Jembatan Sungai Masamba', latitude: -2.5532, longitude: 120.3268 },
  { id: 'baliase-bridge', name: 'Jembatan Baliase', latitude: -2.6096, longitude: 120.3581 },
  { id: 'masamba-market', name: 'Pasar Sentral Masamba', latitude: -2.5468, longitude: 120.3305 },
  { id: 'masamba-park', name: 'Taman Kota Masamba', latitude: -2.5441, longitude: 120.3279 },
  { id: 'kesbangpol-office', name: 'Kantor Kesbangpol Luwu Utara', latitude: -2.5489, longitude: 120.3317 },
] as const;

export const SAMPLE_THINGS = [
  {
    id: 'masamba-river-01',
    name: 'Pos duga air Sungai Masamba',
    programmeId: 'flood-early-warning',
    locationId: 'masamba-bridge',
    datastreams: [
      { key: 'water_level', observedPropertyId: 'water_level', unit: 'm', expectedIntervalSeconds: 60 },
      { key: 'rainfall', observedPropertyId: 'rainfall', unit: 'mm', expectedIntervalSeconds: 60 },
    ],
  },
  {
    id: 'baliase-river-01',
    name: 'Pos duga air Sungai Baliase',
    programmeId: 'flood-early-warning',
    locationId: 'baliase-bridge',
    datastreams: [
      { key: 'water_level', observedPropertyId: 'water_level', unit: 'm', expectedIntervalSeconds: 60 },
      { key: 'rainfall', observedPropertyId: 'rainfall', unit: 'mm', expectedIntervalSeconds: 60 },
    ],
  },
  {
    id: 'masamba-market-aq-01',
    name: 'Sensor udara Pasar Sentral',
    programmeId: 'market-air-quality',
    locationId: 'masamba-market',
    datastreams: [
      { key: 'pm25', observedPropertyId: 'pm25', unit: 'µg/m³', expectedIntervalSeconds: 60 },
      { key: 'noise_level', observedPropertyId: 'noise_level', unit: 'dB(A)', expectedIntervalSeconds: 60 },
    ],
  },
  {
    id: 'masamba-park-wifi-01',
    name: 'Titik akses Wi-Fi Taman Kota',
    programmeId: 'public-wifi',
    locationId: 'masamba-park',
    datastreams: [
      { key: 'wifi_users', observedPropertyId: 'wifi_users', unit: 'users', expectedIntervalSeconds: 60 },
      { key: 'uptime', observedPropertyId: 'service_uptime', unit: '%', expectedIntervalSeconds: 60 },
    ],
  },
  {
    id: 'ormas-service-01',
    name: 'Layanan pendaftaran ormas daring',
    programmeId: 'ormas-online-registration',
    locationId: 'kesbangpol-office',
    datastreams: [
      {
        key: 'applications',
        observedPropertyId: 'applications',
        unit: 'applications',
        expectedIntervalSeconds: 300,
      },
      { key: 'uptime', observedPropertyId: 'service_uptime', unit: '%', expectedIntervalSeconds: 300 },
    ],
  },
] as const;

/**
 * Sample accounts for the embedded hub, one per role that acts (printed in its banner). Their
 * passwords are public: they exist only with the sample data.
 */
export const SAMPLE_USERS = [
  { email: 'admin@contoh.bisa.id', name: 'Admin Bappelitbangda (contoh)', role: 'ADMIN', agencyId: null },
  {
    email: 'operator@contoh.bisa.id',
    name: 'Operator ruang kendali (contoh)',
    role: 'OPERATOR',
    agencyId: null,
  },
  { email: 'bpbd@contoh.bisa.id', name: 'Pelapor BPBD (contoh)', role: 'REPORTER', agencyId: 'bpbd' },
  { email: 'dlh@contoh.bisa.id', name: 'Pelapor DLH (contoh)', role: 'REPORTER', agencyId: 'dlh' },
  { email: 'viewer@contoh.bisa.id', name: 'Pengamat (contoh)', role: 'VIEWER', agencyId: null },
  {
    email: 'integrator@contoh.bisa.id',
    name: 'Integrator pos duga air (contoh)',
    role: 'INTEGRATOR',
    agencyId: null,
  },
] as const;

/**
 * The wall screen's sample kiosk account: a VIEWER whose one usable credential is a public
 * READ API key (its password is random and thrown away, so nobody signs in with it). The wall's
 * browser opens `/wall#kiosk=<key>` once (README): it reads like a signed-in viewer, sees who
 * acknowledged an alert, and can change nothing.
 */
export const SAMPLE_KIOSK = {
  email: 'kiosk@contoh.bisa.id',
  name: 'Layar dinding ruang kendali (contoh)',
  keyName: 'Layar dinding (contoh)',
  key: 'bisa_sample-kiosk-wall',
} as const;

/**
 * The sample integrator installed the river gauges: it sees their health and dead letters, and
 * nothing of the other sample devices (which the control room alone looks after).
 */
export const SAMPLE_DEVICE_OWNERS = {
  'integrator@contoh.bisa.id': ['masamba-river-01', 'baliase-river-01'],
} as const satisfies Record<string, readonly (typeof SAMPLE_THINGS)[number]['id'][]>;

/** Public sample password of a sample account. */
export function sampleUserPassword(email: string): string {
  return `sample-${email.split('@')[0]}`;
}

/** Public sample credential of a sample device (printed in the embedded hub's banner). */
export function sampleDeviceSecret(deviceId: string): string {
  return `sample-${deviceId}`;
}

/**
 * SAMPLE alert rules for the river gauges of the flood early-warning quick win: fixed water-level
 * thresholds, a rate-of-rise rule (the lesson of Masamba 2020: the river fell, then rose about
 * four metres within minutes) and a no-data rule; and a falling rule on the public Wi-Fi's uptime
 * (low values alarm). Levels follow Normal / Waspada / Siaga / Awas; the figures are
 * illustrative, not the regency's official warning levels. Added once by name.
 */
export const SAMPLE_ALERT_RULES = [
  {
    name: 'Tinggi muka air sungai (contoh)',
    kind: 'THRESHOLD',
    direction: 'RISING',
    programmeId: 'flood-early-warning',
    observedPropertyId: 'water_level',
    levels: [
      { level: 'WASPADA', raise: 2.5, clear: 2.3 },
      { level: 'SIAGA', raise: 3.0, clear: 2.8 },
      { level: 'AWAS', raise: 3.5, clear: 3.3 },
    ],
    windowSeconds: null,
    pendingSeconds: 60,
  },
  {
    name: 'Kenaikan cepat muka air (contoh)',
    kind: 'RATE_OF_RISE',
    direction: 'RISING',
    programmeId: 'flood-early-warning',
    observedPropertyId: 'water_level',
    levels: [
      { level: 'SIAGA', raise: 0.4, clear: 0.15 },
      { level: 'AWAS', raise: 1.0, clear: 0.4 },
    ],
    windowSeconds: 600,
    pendingSeconds: 20,
  },
  {
    name: 'Pos duga air tanpa data (contoh)',
    kind: 'NO_DATA',
    direction: 'RISING',
    programmeId: 'flood-early-warning',
    observedPropertyId: 'water_level',
    // In multiples of the datastream's expected interval (60 s): three minutes of silence.
    levels: [{ level: 'WASPADA', raise: 3, clear: 1 }],
    windowSeconds: null,
    pendingSeconds: 0,
  },
  {
    name: 'Ketersediaan Wi-Fi publik turun (contoh)',
    kind: 'THRESHOLD',
    direction: 'FALLING',
    programmeId: 'public-wifi',
    observedPropertyId: 'service_uptime',
    // Falling: entered at or below raise, left at clear or above. The simulated access point
    // stays at 99.2-100 %, so only a drill or a real outage reaches these.
    levels: [
      { level: 'WASPADA', raise: 98, clear: 98.5 },
      { level: 'SIAGA', raise: 95, clear: 96 },
    ],
    windowSeconds: null,
    pendingSeconds: 300,
  },
] as const;
