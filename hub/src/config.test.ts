import path from 'node:path';
import { ConfigError } from '@bisa/service/environment.ts';
import { describe, expect, it } from 'vitest';
import { hubHelp, parseHubConfig } from './config.ts';

describe('parseHubConfig', () => {
  it('uses defaults that avoid the PostgreSQL and Mosquitto ports', () => {
    const config = parseHubConfig({});
    expect(config.ports).toEqual({ http: 4800, mqtt: 1884, mqttWs: 8884 });
    expect(config.host).toBe('127.0.0.1');
    expect(config.simulator).toEqual({ enabled: true });
    expect(config.dataDir?.endsWith(path.join('.data', 'embedded'))).toBe(true);
  });

  it('reads every variable', () => {
    const config = parseHubConfig({
      BISA_HOST: '0.0.0.0',
      BISA_HTTP_PORT: '9000',
      BISA_MQTT_PORT: '9001',
      BISA_MQTT_WS_PORT: '9002',
      BISA_DATA_DIR: '/tmp/bisa-data',
      BISA_SIMULATOR: 'false',
      BISA_SIMULATOR_INTERVAL_SECONDS: '0.5',
      BISA_ALERT_SUMMARY_TIME: '06:15',
      BISA_ALERT_SUMMARY_TIMEZONE: 'Asia/Jakarta',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      ports: { http: 9000, mqtt: 9001, mqttWs: 9002 },
      dataDir: '/tmp/bisa-data',
      simulator: { enabled: false, intervalMs: 500 },
      alertSummary: { hour: 6, minute: 15, timeZone: 'Asia/Jakarta' },
      logLevel: 'debug',
      logFormat: 'pretty',
    });
  });

  it('sends the daily alert summary at 07:00 WITA unless told otherwise', () => {
    expect(parseHubConfig({}).alertSummary).toEqual({ hour: 7, minute: 0, timeZone: 'Asia/Makassar' });
    expect(parseHubConfig({ BISA_ALERT_SUMMARY_TIME: 'off' }).alertSummary).toBeUndefined();
    expect(() =>
      parseHubConfig({ BISA_ALERT_SUMMARY_TIME: '7', BISA_ALERT_SUMMARY_TIMEZONE: 'Mars/Base' }),
    ).toThrow(/BISA_ALERT_SUMMARY_TIME.*\n.*BISA_ALERT_SUMMARY_TIMEZONE/s);
  });

  it('registers an alert webhook only with its secret', () => {
    expect(
      parseHubConfig({
        BISA_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9000/alerts',
        BISA_ALERT_WEBHOOK_SECRET: 'a-secret-of-16-chars',
        BISA_ALERT_WEBHOOK_LEVELS: 'SIAGA,AWAS',
      }).alertWebhook,
    ).toEqual({
      url: 'http://127.0.0.1:9000/alerts',
      secret: 'a-secret-of-16-chars',
      levels: ['SIAGA', 'AWAS'],
    });
    expect(
      parseHubConfig({
        BISA_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9000/alerts',
        BISA_ALERT_WEBHOOK_SECRET: 'a-secret-of-16-chars',
        BISA_ALERT_WEBHOOK_LEVELS: 'AWAS',
        BISA_ALERT_WEBHOOK_DAILY_SUMMARY: 'true',
      }).alertWebhook?.dailySummary,
    ).toBe(true);
    expect(parseHubConfig({}).alertWebhook).toBeUndefined();
    expect(() => parseHubConfig({ BISA_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9000/' })).toThrow(
      /BISA_ALERT_WEBHOOK_SECRET: is required with BISA_ALERT_WEBHOOK_URL/,
    );
    expect(() =>
      parseHubConfig({ BISA_ALERT_WEBHOOK_URL: 'ftp://x', BISA_ALERT_WEBHOOK_SECRET: 'short' }),
    ).toThrow(/BISA_ALERT_WEBHOOK_URL.*\n.*BISA_ALERT_WEBHOOK_SECRET/s);
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      parseHubConfig({ BISA_HTTP_PORT: 'eighty', BISA_MQTT_PORT: '70000', BISA_SIMULATOR: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('BISA_HTTP_PORT="eighty"');
    expect(message).toContain('BISA_MQTT_PORT="70000"');
    expect(message).toContain('BISA_SIMULATOR="maybe"');
  });

  it('takes json, pretty or auto log lines, auto by default', () => {
    expect(parseHubConfig({}).logFormat).toBe('auto');
    expect(() => parseHubConfig({ LOG_FORMAT: 'text' })).toThrow(/LOG_FORMAT="text".*auto, json or pretty/);
  });

  it('refuses two listeners on one port', () => {
    expect(() => parseHubConfig({ BISA_MQTT_PORT: '4800' })).toThrow(/BISA_MQTT_PORT.*another listener/);
  });

  it('treats an empty variable as unset', () => {
    expect(parseHubConfig({ BISA_HTTP_PORT: '' }).ports.http).toBe(4800);
  });

  it('documents every variable in --help', () => {
    const help = hubHelp();
    for (const name of [
      'BISA_HOST',
      'BISA_HTTP_PORT',
      'BISA_MQTT_PORT',
      'BISA_MQTT_WS_PORT',
      'BISA_DATA_DIR',
      'LOG_LEVEL',
      'LOG_FORMAT',
    ]) {
      expect(help).toContain(name);
    }
  });
});
