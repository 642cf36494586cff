import { PassThrough } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logDestination, prettyLogLine } from './log-format.ts';

function capture(format: 'json' | 'pretty') {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const logger = pino({ base: { service: 'bisa-hub' } }, logDestination(format, out));
  return { logger, text: () => chunks.join('') };
}

describe('logDestination', () => {
  it('writes pino JSON unchanged for log collectors', () => {
    const { logger, text } = capture('json');
    logger.info({ deviceId: 'masamba-river-01' }, 'stored');
    expect(JSON.parse(text())).toMatchObject({ level: 30, msg: 'stored', deviceId: 'masamba-river-01' });
  });

  it('writes a readable line with the level, the hub part and component, the message and the other fields', () => {
    const { logger, text } = capture('pretty');
    logger
      .child({ part: 'ingest', component: 'ingest' })
      .warn({ deviceId: 'masamba-river-01', reason: 'invalid_time' }, 'dead-lettered');
    logger.child({ part: 'ingest', component: 'alerts' }).info('alert evaluator started');
    const [deadLetter, started] = text().split('\n');
    expect(deadLetter).toMatch(
      /^\d\d:\d\d:\d\d WARN {2}\[ingest\] dead-lettered {2}deviceId=masamba-river-01 reason=invalid_time$/,
    );
    expect(started).toMatch(/INFO {2}\[ingest\/alerts\] alert evaluator started$/);
  });

  it('puts an error stack under its line', () => {
    const { logger, text } = capture('pretty');
    logger.error({ err: new Error('connection refused') }, 'database unreachable');
    const [head, stack] = text().split('\n');
    expect(head).toMatch(/ERROR database unreachable$/);
    expect(stack).toBe('    Error: connection refused');
  });
});

describe('prettyLogLine', () => {
  it('quotes values with spaces and passes lines that are not JSON through', () => {
    const midnight = new Date(0).toTimeString().slice(0, 8);
    expect(prettyLogLine('{"level":30,"time":0,"msg":"hi","detail":"two words"}')).toBe(
      `${midnight} INFO  hi  detail="two words"\n`,
    );
    expect(prettyLogLine('plain text')).toBe('plain text\n');
  });
});
