import { ConfigError } from '@bisa/service/environment.ts';
import { describe, expect, it } from 'vitest';
import { gatewayHelp, parseGatewayConfig } from './config.ts';

describe('parseGatewayConfig', () => {
  it('applies defaults when only the database is given', () => {
    expect(parseGatewayConfig({ DATABASE_URL: 'postgres://db/bisa', GATEWAY_PORT: '' })).toEqual({
      databaseUrl: 'postgres://db/bisa',
      http: { host: '127.0.0.1', port: 4801 },
      graphiql: true,
      introspection: 'admins',
      executionTimeoutMs: 10_000,
      logLevel: 'info',
    });
  });

  it('lists every bad variable in one error without echoing the database URL', () => {
    const parse = () =>
      parseGatewayConfig({
        DATABASE_URL: 'mysql://secret@db',
        GATEWAY_PORT: '70000',
        GATEWAY_GRAPHIQL: 'yes',
        GATEWAY_INTROSPECTION: 'nobody',
        GATEWAY_EXECUTION_TIMEOUT_MS: '5',
        LOG_LEVEL: 'loud',
      });
    expect(parse).toThrow(ConfigError);
    const message = (() => {
      try {
        parse();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('DATABASE_URL: must start with postgres://');
    expect(message).toContain('GATEWAY_PORT="70000": must be 0-65535');
    expect(message).toContain('GATEWAY_GRAPHIQL="yes": must be true or false');
    expect(message).toContain('GATEWAY_INTROSPECTION="nobody": must be admins or everyone');
    expect(message).toContain('GATEWAY_EXECUTION_TIMEOUT_MS="5": must be at least 100');
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).not.toContain('secret');
  });

  it('requires DATABASE_URL', () => {
    expect(() => parseGatewayConfig({})).toThrow(/DATABASE_URL: is required/);
  });

  it('documents every variable with its default in --help', () => {
    const help = gatewayHelp();
    for (const name of [
      'DATABASE_URL',
      'GATEWAY_HOST',
      'GATEWAY_PORT',
      'GATEWAY_GRAPHIQL',
      'GATEWAY_INTROSPECTION',
      'GATEWAY_EXECUTION_TIMEOUT_MS',
      'LOG_LEVEL',
    ]) {
      expect(help).toContain(name);
    }
    expect(help).toContain('(default: 4801)');
  });
});
