import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestUsers, mosquittoAcl, mosquittoPasswordLine, updatePasswordFile } from './mosquitto-auth.ts';

describe('mosquitto password lines', () => {
  it('hashes exactly as mosquitto_passwd does, given its salt', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bisa-passwd-'));
    try {
      const file = path.join(dir, 'passwd');
      execFileSync('mosquitto_passwd', ['-c', '-b', file, 'dev-a', 's3cret-ÿ']);
      const line = readFileSync(file, 'utf8').trim();
      const salt = Buffer.from(line.split('$')[3] ?? '', 'base64');
      expect(salt.length).toBe(12);
      expect(mosquittoPasswordLine('dev-a', 's3cret-ÿ', salt)).toBe(line);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('salts every line afresh', () => {
    expect(mosquittoPasswordLine('a', 'x')).not.toBe(mosquittoPasswordLine('a', 'x'));
  });

  it('replaces, adds and removes one user in a password file', () => {
    const text = 'a:1\nb:2\n';
    expect(updatePasswordFile(text, 'a', 'a:3')).toBe('b:2\na:3\n');
    expect(updatePasswordFile(text, 'c', 'c:4')).toBe('a:1\nb:2\nc:4\n');
    expect(updatePasswordFile(text, 'b', undefined)).toBe('a:1\n');
    // A user whose name starts like another's is a different user.
    expect(updatePasswordFile('ab:1\n', 'a', undefined)).toBe('ab:1\n');
  });
});

describe('mosquitto ACL', () => {
  it('gives each ingest connection read-only access and devices their own topics', () => {
    expect(ingestUsers('bisa_ingest', 3)).toEqual(['bisa_ingest', 'bisa_ingest_1', 'bisa_ingest_2']);
    const acl = mosquittoAcl('bisa_ingest', 2);
    expect(acl).toContain('pattern write bisa/v1/%u/readings\npattern write bisa/v1/%u/status\n');
    expect(acl).toContain('user bisa_ingest_1\ntopic read bisa/v1/+/readings\n');
    expect(acl).not.toMatch(/topic (write|readwrite)/);
  });
});
