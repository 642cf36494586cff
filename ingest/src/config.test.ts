import { ConfigError } from '@bisa/service/environment.ts';
import { describe, expect, it } from 'vitest';
import { ingestHelp, parseIngestConfig } from './config.ts';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/bisa';

describe('parseIngestConfig', () => {
  it('applies defaults when only the database is given', () => {
    expect(parseIngestConfig({ DATABASE_URL })).toEqual({
      databaseUrl: DATABASE_URL,
      mqtt: { url: 'mqtt://127.0.0.1:1883', clientId: 'bisa-ingest', protocolVersion: 5 },
      connections: 1,
      concurrentCommits: 1,
      shareGroup: undefined,
      http: { host: '127.0.0.1', port: 4802 },
      alerts: true,
      alertSummary: { hour: 7, minute: 0, timeZone: 'Asia/Makassar' },
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = parseIngestConfig({
      DATABASE_URL,
      MQTT_URL: 'mqtts://broker.example:8883',
      MQTT_USERNAME: 'ingest',
      MQTT_PASSWORD: 's3cret',
      MQTT_PROTOCOL_VERSION: '4',
      INGEST_CLIENT_ID: 'ingest-a',
      INGEST_HTTP_HOST: '0.0.0.0',
      INGEST_HTTP_PORT: '9000',
      INGEST_ALERTS: 'false',
      INGEST_ALERT_SUMMARY_TIME: '06:30',
      INGEST_ALERT_SUMMARY_TIMEZONE: 'Asia/Jayapura',
      LOG_LEVEL: 'debug',
    });
    expect(config.alerts).toBe(false);
    expect(config.alertSummary).toEqual({ hour: 6, minute: 30, timeZone: 'Asia/Jayapura' });
    expect(config.mqtt).toEqual({
      url: 'mqtts://broker.example:8883',
      username: 'ingest',
      password: 's3cret',
      clientId: 'ingest-a',
      protocolVersion: 4,
    });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(config.logLevel).toBe('debug');
  });

  it('treats an empty variable as unset', () => {
    expect(parseIngestConfig({ DATABASE_URL, INGEST_HTTP_PORT: '', LOG_LEVEL: '' }).http.port).toBe(4802);
  });

  it('names every bad variable in one error, without echoing secrets', () => {
    let caught: unknown;
    try {
      parseIngestConfig({
        DATABASE_URL: 'mysql://user:hunter2@db/x',
        MQTT_URL: 'http://broker',
        MQTT_PROTOCOL_VERSION: '3',
        INGEST_CLIENT_ID: 'has space',
        INGEST_HTTP_PORT: '70000',
        INGEST_ALERT_SUMMARY_TIME: '7am',
        INGEST_ALERT_SUMMARY_TIMEZONE: 'WITA',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    for (const name of [
      'DATABASE_URL',
      'MQTT_URL',
      'MQTT_PROTOCOL_VERSION',
      'INGEST_CLIENT_ID',
      'INGEST_HTTP_PORT',
      'INGEST_ALERT_SUMMARY_TIME',
      'INGEST_ALERT_SUMMARY_TIMEZONE',
      'LOG_LEVEL',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('hunter2');
  });

  it('shares the readings subscription when it has several connections, and only over MQTT 5', () => {
    expect(parseIngestConfig({ DATABASE_URL, INGEST_CONNECTIONS: '4' })).toMatchObject({
      connections: 4,
      shareGroup: 'bisa-ingest',
    });
    expect(parseIngestConfig({ DATABASE_URL, INGEST_SHARE_GROUP: 'site-a' }).shareGroup).toBe('site-a');
    expect(() =>
      parseIngestConfig({ DATABASE_URL, INGEST_CONNECTIONS: '2', MQTT_PROTOCOL_VERSION: '4' }),
    ).toThrow(/MQTT_PROTOCOL_VERSION.*shared subscriptions do not exist in MQTT 3\.1\.1/);
    expect(() => parseIngestConfig({ DATABASE_URL, INGEST_CONNECTIONS: '0' })).toThrow(/INGEST_CONNECTIONS/);
  });

  it('switches the daily summary off', () => {
    expect(
      parseIngestConfig({ DATABASE_URL, INGEST_ALERT_SUMMARY_TIME: 'off' }).alertSummary,
    ).toBeUndefined();
  });

  it('commits two batches at a time when told to, at most 8', () => {
    expect(parseIngestConfig({ DATABASE_URL, INGEST_CONCURRENT_COMMITS: '2' }).concurrentCommits).toBe(2);
    expect(() => parseIngestConfig({ DATABASE_URL, INGEST_CONCURRENT_COMMITS: '9' })).toThrow(
      /INGEST_CONCURRENT_COMMITS="9": must be 1-8/,
    );
  });

  it('requires DATABASE_URL', () => {
    expect(() => parseIngestConfig({})).toThrow(/DATABASE_URL: is required/);
  });

  it('lists every variable in --help', () => {
    const help = ingestHelp();
    for (const name of ['DATABASE_URL', 'MQTT_URL', 'INGEST_HTTP_PORT', 'LOG_LEVEL'])
      expect(help).toContain(name);
  });
});
