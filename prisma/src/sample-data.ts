/**
 * SAMPLE DATA, not the regency's official list: a few illustrative quick wins with devices
 * around Masamba, so the embedded hub shows something live from the first minute. Every row
 * is stored with is_sample = true and the UI labels it as sample data. The device secrets
 * are public sample credentials: never use them on a reachable broker.
 */
export const SAMPLE_PROGRAMMES = [
  {
    id: 'flood-early-warning',
    kind: 'QUICK_WIN',
    dimensionId: 'society',
    ownerAgencyId: 'bpbd',
    nameId: 'Peringatan dini banjir Sungai Masamba dan Baliase',
    nameEn: 'Flood early warning on the Masamba and Baliase rivers',
    descriptionId: 'Pos duga air otomatis dengan penakar hujan, pengganti pengecekan langsung di jembatan.',
    descriptionEn: 'Automatic river gauges with rain gauges, replacing checks in person at the bridge.',
    startDate: '2023-01-02',
  },
  {
    id: 'market-air-quality',
    kind: 'QUICK_WIN',
    dimensionId: 'environment',
    ownerAgencyId: 'dlh',
    nameId: 'Pemantauan kualitas udara dan kebisingan Pasar Sentral Masamba',
    nameEn: 'Air quality and noise monitoring at Masamba central market',
    descriptionId: 'Sensor PM2.5 dan kebisingan di sekitar pasar.',
    descriptionEn: 'PM2.5 and noise sensors around the market.',
    startDate: '2023-03-01',
  },
  {
    id: 'public-wifi',
    kind: 'QUICK_WIN',
    dimensionId: 'living',
    ownerAgencyId: 'diskominfo-sp',
    nameId: 'Wi-Fi publik Taman Kota Masamba',
    nameEn: 'Public Wi-Fi at Masamba city park',
    descriptionId: 'Titik akses Wi-Fi gratis dengan pemantauan pengguna dan ketersediaan.',
    descriptionEn: 'Free Wi-Fi access point with user and uptime monitoring.',
    startDate: '2023-02-01',
  },
  {
    id: 'ormas-online-registration',
    kind: 'QUICK_WIN',
    dimensionId: 'governance',
    ownerAgencyId: 'kesbangpol',
    nameId: 'Pendaftaran organisasi kemasyarakatan secara daring',
    nameEn: 'Online registration of community organisations',
    descriptionId: 'Layanan daring pendaftaran ormas di Kesbangpol.',
    descriptionEn: 'Online registration service for community organisations at Kesbangpol.',
    startDate: '2023-01-16',
  },
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

/** Public sample credential of a sample device (printed in the embedded hub's banner). */
export function sampleDeviceSecret(deviceId: string): string {
  return `sample-${deviceId}`;
}
