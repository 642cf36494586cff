import { Kind } from 'graphql';
import { builder } from '../builder.ts';
import { badUserInput } from '../errors.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// Offsets are required: a time without one means different instants to a device in WITA
// (UTC+8) and a server in UTC.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDate(value: unknown): Date {
  const date =
    typeof value === 'string' && DATE_ONLY.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw badUserInput(`Date must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return date;
}

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' && DATE_TIME.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw badUserInput(
      `DateTime must be ISO 8601 with a UTC offset, e.g. 2026-11-28T08:00:00+08:00, got ${JSON.stringify(value)}`,
    );
  }
  return date;
}

builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (date) => date.toISOString().slice(0, 10),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with a UTC offset; served in UTC with milliseconds.',
  serialize: (date) => date.toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});
