import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifySecret } from '@bisa/db/secret-hash.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import { UsageError } from '@bisa/service/command-line.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDevicesCli } from './devices-cli.ts';
import { createIngestPipeline } from './ingest-pipeline.ts';
import { mosquittoPasswordLine } from './mosquitto-auth.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'bisa-devices-'));
});
afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runDevicesCli(argv, db.database, { out: (l) => lines.push(l), readStdin: async () => 'ingest-pw\n' });
  return lines;
}

async function storedHash(id: string): Promise<string | null | undefined> {
  const { rows } = await db.database.sql.query<{ credential_hash: string | null }>(
    'SELECT credential_hash FROM thing WHERE id = $1',
    [id],
  );
  return rows[0]?.credential_hash;
}

/** The secret line follows the heading, indented. */
const secretOf = (lines: string[]) => lines[1]?.trim() ?? '';

describe('devices CLI', () => {
  const passwd = () => path.join(dir, 'passwd');

  it('adds a device, shows its secret once and stores only a hash', async () => {
    const lines = await run(
      'add',
      'rongkong-river-01',
      '--name',
      'Rongkong river gauge',
      '--programme',
      'public-wifi',
      '--location',
      'masamba-park',
      '--datastream',
      'water_level:water_level:m',
      '--passwd-file',
      passwd(),
    );
    const secret = secretOf(lines);
    expect(secret.length).toBeGreaterThanOrEqual(24);
    const hash = await storedHash('rongkong-river-01');
    expect(hash).not.toContain(secret);
    expect(await verifySecret(secret, hash ?? '')).toBe(true);
    const file = await readFile(passwd(), 'utf8');
    const salt = Buffer.from(file.split('$')[3] ?? '', 'base64');
    expect(file).toBe(`${mosquittoPasswordLine('rongkong-river-01', secret, salt)}\n`);
    expect((await run('list')).find((l) => l.startsWith('rongkong-river-01\t'))).toMatch(
      /^rongkong-river-01\tenabled\t-\t-\twater_level\t-\t$/,
    );
  });

  it('rotates a secret: the old one stops working', async () => {
    const before = await storedHash('rongkong-river-01');
    const secret = secretOf(await run('rotate', 'rongkong-river-01', '--passwd-file', passwd()));
    const after = await storedHash('rongkong-river-01');
    expect(after).not.toBe(before);
    expect(await verifySecret(secret, after ?? '')).toBe(true);
    expect((await readFile(passwd(), 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('disables a device: no credential, off the password file, its messages refused with a reason', async () => {
    await run('disable', 'rongkong-river-01', '--passwd-file', passwd());
    expect(await storedHash('rongkong-river-01')).toBeNull();
    expect(await readFile(passwd(), 'utf8')).toBe('');
    expect((await run('list')).find((l) => l.startsWith('rongkong-river-01\t'))).toContain('\tdisabled\t');
    const pipeline = createIngestPipeline({ database: db.database, logger: pino({ level: 'silent' }) });
    await pipeline.handle({
      topic: 'bisa/v1/rongkong-river-01/readings',
      payload: new TextEncoder().encode(
        JSON.stringify({ time: new Date().toISOString(), values: { water_level: 1 } }),
      ),
    });
    expect(pipeline.metrics().deadLettered.device_disabled).toBe(1);
  });

  it('adds a device owned by an integrator, shows the owner in the list, and refuses other owners', async () => {
    await run(
      'add',
      'baliase-rain-02',
      '--name',
      'Baliase rain gauge',
      '--programme',
      'flood-early-warning',
      '--location',
      'baliase-bridge',
      '--owner',
      ' Integrator@contoh.bisa.id ',
    );
    const { rows } = await db.database.sql.query<{ email: string }>(
      'SELECT u.email FROM thing t JOIN app_user u ON u.id = t.owner_user_id WHERE t.id = $1',
      ['baliase-rain-02'],
    );
    expect(rows).toEqual([{ email: 'integrator@contoh.bisa.id' }]);
    expect((await run('list')).find((l) => l.startsWith('baliase-rain-02\t'))).toMatch(
      /^baliase-rain-02\tenabled\t-\t-\t-\tintegrator@contoh\.bisa\.id\t$/,
    );
    // The sample data gives the river gauges to the sample integrator.
    expect((await run('list')).find((l) => l.startsWith('masamba-river-01\t'))).toContain(
      '\tintegrator@contoh.bisa.id\t',
    );
    const addOwnedBy = (owner: string) =>
      run(
        'add',
        'rongkong-rain-01',
        '--name',
        'x',
        '--programme',
        'flood-early-warning',
        '--location',
        'baliase-bridge',
        '--owner',
        owner,
      );
    await expect(addOwnedBy('ghost@contoh.bisa.id')).rejects.toThrow(/no account "ghost@contoh.bisa.id"/);
    await expect(addOwnedBy('operator@contoh.bisa.id')).rejects.toThrow(
      /only INTEGRATOR accounts own devices/,
    );
    expect(await storedHash('rongkong-rain-01')).toBeUndefined();
  });

  it('prints the ACL and ingest password lines, and refuses bad arguments', async () => {
    expect((await run('mosquitto-acl', '--connections', '2')).join('\n')).toContain('user bisa_ingest_1');
    expect((await run('mosquitto-passwd', 'bisa_ingest'))[0]).toMatch(/^bisa_ingest:\$7\$101\$/);
    await expect(run('add', 'Bad_Id')).rejects.toThrow(UsageError);
    await expect(run('rotate', 'ghost-01')).rejects.toThrow(/no device "ghost-01"/);
    await expect(run('frobnicate')).rejects.toThrow(/unknown command/);
  });
});
