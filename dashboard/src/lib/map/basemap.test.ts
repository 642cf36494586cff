import { describe, expect, it } from 'vitest';
import { parseBasemapUrl } from './basemap.ts';

describe('PUBLIC_BASEMAP_URL', () => {
  it('defaults to the offline sample map', () => {
    expect(parseBasemapUrl(undefined)).toEqual({ kind: 'offline' });
    expect(parseBasemapUrl(' ')).toEqual({ kind: 'offline' });
  });

  it('tells a style, a tile template and a PMTiles file apart', () => {
    expect(parseBasemapUrl('https://tiles.example/style.json')).toEqual({
      kind: 'style',
      url: 'https://tiles.example/style.json',
    });
    expect(parseBasemapUrl('https://tiles.example/{z}/{x}/{y}.png')).toEqual({
      kind: 'raster',
      tiles: 'https://tiles.example/{z}/{x}/{y}.png',
    });
    expect(parseBasemapUrl('/tiles/luwu-utara.pmtiles')).toEqual({
      kind: 'pmtiles',
      url: '/tiles/luwu-utara.pmtiles',
    });
    expect(parseBasemapUrl('pmtiles://https://tiles.example/luwu')).toEqual({
      kind: 'pmtiles',
      url: 'https://tiles.example/luwu',
    });
  });

  it('rejects what the browser could not load, naming the variable', () => {
    expect(() => parseBasemapUrl('tiles.example/style.json')).toThrow(/PUBLIC_BASEMAP_URL/);
    expect(() => parseBasemapUrl('ftp://tiles.example/a.pmtiles')).toThrow(/PUBLIC_BASEMAP_URL/);
    expect(() => parseBasemapUrl('https://tiles.example/{z}/{x}.png')).toThrow(/lacks \{x\} or \{y\}/);
  });
});
