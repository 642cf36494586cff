// Every user-facing string of the dashboard, Indonesian first: it is the default language of
// the command centre. `{name}` placeholders are filled by I18n.t().

const id = {
  'app.name': 'BISA Hub',
  'app.tagline': 'Pusat data kota waktu nyata · Luwu Utara BISA Smart City',
  'language.switch': 'EN',
  'language.switchLabel': 'Ganti bahasa ke English (EN)',
  'header.lastData': 'Data terakhir',
  'header.noData': 'belum ada',
  'connection.label': 'Status koneksi',
  'connection.connecting': 'Menghubungkan',
  'connection.live': 'Langsung',
  'connection.reconnecting': 'Menyambung ulang',
  'wallboard.heading': 'Quick win per dimensi',
  'wallboard.loading': 'Memuat data…',
  'wallboard.error': 'Data tidak dapat dimuat. Mencoba lagi…',
  'wallboard.empty': 'Belum ada quick win yang terdaftar.',
  'dimension.count': 'Quick win: {count}',
  'programme.owner': 'Pelaksana: {owner}',
  'programme.sample': 'Data contoh',
  'programme.sampleHint': 'Data ilustrasi, bukan data resmi daerah',
  'tile.noReading': 'Belum ada pembacaan',
  'tile.observedAt': 'Diamati {time}',
  'evaluation.label': 'Capaian evaluasi',
  'evaluation.summary': 'Capaian {progress} dari target, rencana saat ini {expected}',
  'evaluation.noProgress': 'Belum ada data capaian',
  'evaluation.status.NOT_STARTED': 'Belum dimulai',
  'evaluation.status.ON_TRACK': 'Sesuai rencana',
  'evaluation.status.AT_RISK': 'Berisiko',
  'evaluation.status.OFF_TRACK': 'Tertinggal',
  'evaluation.status.NO_DATA': 'Tanpa data',
  'nav.label': 'Tampilan',
  'nav.wallboard': 'Papan pantau',
  'nav.map': 'Peta',
  'nav.evaluation': 'Evaluasi quick win',
  'nav.kiosk': 'Layar dinding',
  'map.heading': 'Peta lokasi',
  'map.region': 'Peta lokasi perangkat dan statusnya',
  'map.legend': 'Keterangan warna',
  'map.sampleNote': 'Peta luring: batas wilayah dan alur sungai hanya ilustrasi contoh, bukan data survei.',
  'map.noWebgl':
    'Peramban ini tidak dapat menggambar peta (WebGL tidak tersedia). Daftar lokasi di bawah menampilkan status yang sama.',
  'map.error': 'Peta tidak dapat dimuat. Daftar lokasi di bawah menampilkan status yang sama.',
  'site.status.live': 'Terkini',
  'site.status.stale': 'Data usang',
  'site.status.no-data': 'Tanpa data',
  'site.staleCount': '{count} dari {total} aliran data terlambat',
  'sites.heading': 'Daftar lokasi',
  'sites.lastReading': 'Pembacaan terakhir',
} as const;

export type MessageKey = keyof typeof id;

const en: Record<MessageKey, string> = {
  'app.name': 'BISA Hub',
  'app.tagline': 'Real-time city data hub · Luwu Utara BISA Smart City',
  'language.switch': 'ID',
  'language.switchLabel': 'Switch language to Bahasa Indonesia (ID)',
  'header.lastData': 'Last data',
  'header.noData': 'none yet',
  'connection.label': 'Connection status',
  'connection.connecting': 'Connecting',
  'connection.live': 'Live',
  'connection.reconnecting': 'Reconnecting',
  'wallboard.heading': 'Quick wins by dimension',
  'wallboard.loading': 'Loading data…',
  'wallboard.error': 'Could not load the data. Retrying…',
  'wallboard.empty': 'No quick wins are registered yet.',
  'dimension.count': 'Quick wins: {count}',
  'programme.owner': 'Owner: {owner}',
  'programme.sample': 'Sample data',
  'programme.sampleHint': 'Illustrative data, not official regency data',
  'tile.noReading': 'No reading yet',
  'tile.observedAt': 'Observed {time}',
  'evaluation.label': 'Evaluation progress',
  'evaluation.summary': '{progress} of the way to target; the plan expects {expected} by now',
  'evaluation.noProgress': 'No progress data yet',
  'evaluation.status.NOT_STARTED': 'Not started',
  'evaluation.status.ON_TRACK': 'On track',
  'evaluation.status.AT_RISK': 'At risk',
  'evaluation.status.OFF_TRACK': 'Off track',
  'evaluation.status.NO_DATA': 'No data',
  'nav.label': 'Views',
  'nav.wallboard': 'Wallboard',
  'nav.map': 'Map',
  'nav.evaluation': 'Quick-win evaluation',
  'nav.kiosk': 'Wall screen',
  'map.heading': 'Site map',
  'map.region': 'Map of device sites and their status',
  'map.legend': 'Colour legend',
  'map.sampleNote':
    'Offline map: the regency outline and river courses are an illustrative sample, not survey data.',
  'map.noWebgl':
    'This browser cannot draw the map (WebGL is not available). The site list below shows the same status.',
  'map.error': 'The map could not be loaded. The site list below shows the same status.',
  'site.status.live': 'Up to date',
  'site.status.stale': 'Stale',
  'site.status.no-data': 'No data',
  'site.staleCount': '{count} of {total} datastreams overdue',
  'sites.heading': 'Sites',
  'sites.lastReading': 'Last reading',
};

export const dictionaries: Record<'id' | 'en', Record<MessageKey, string>> = { id, en };

export type Locale = keyof typeof dictionaries;

export const DEFAULT_LOCALE: Locale = 'id';

export function isLocale(value: unknown): value is Locale {
  return value === 'id' || value === 'en';
}
