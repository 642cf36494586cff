import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('CSV', () => {
  it('quotes only what needs quoting and ends lines with CRLF', () => {
    expect(
      toCsv([
        ['name', 'value'],
        ['Sungai "Masamba", hulu', 4.5],
        ['two\nlines', null],
      ]),
    ).toBe('name,value\r\n"Sungai ""Masamba"", hulu",4.5\r\n"two\nlines",\r\n');
  });

  it('keeps numbers machine-readable and empty when not finite', () => {
    expect(toCsv([[-2.5, 0, Number.NaN, undefined]])).toBe('-2.5,0,,\r\n');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(toCsv([['=HYPERLINK("x")', '-1 note', '@SUM']])).toBe(`"'=HYPERLINK(""x"")",'-1 note,'@SUM\r\n`);
  });
});
