import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifySecret } from '@bisa/db/secret-hash.ts';
import { createTestDatabase, type TestDatabase } from '@bisa/db/testing.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDevicesCli, UsageError } from './devices-cli.ts';
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
      /^rongkong-river-01\tenabled\t-\t-\twater_level\t$/,
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

  it('prints the ACL and ingest password lines, and refuses bad arguments', async () => {
    expect((await run('mosquitto-acl', '--connections', '2')).join('\n')).toContain('user bisa_ingest_1');
    expect((await run('mosquitto-passwd', 'bisa_ingest'))[0]).toMatch(/^bisa_ingest:\$7\$101\$/);
    await expect(run('add', 'Bad_Id')).rejects.toThrow(UsageError);
    await expect(run('rotate', 'ghost-01')).rejects.toThrow(/no device "ghost-01"/);
    await expect(run('frobnicate')).rejects.toThrow(/unknown command/);
  });
});
