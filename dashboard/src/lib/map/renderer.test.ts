import { describe, expect, it } from 'vitest';
import { askWebgl, chooseRenderer } from './renderer.ts';

describe('chooseRenderer', () => {
  it('keeps the WebGL map on a GPU and draws the SVG map where WebGL is software or missing', () => {
    expect(chooseRenderer(null, null, 'hardware')).toBe('webgl');
    expect(chooseRenderer(null, null, 'software')).toBe('svg');
    expect(chooseRenderer(null, null, 'none')).toBe('svg');
  });

  it('follows the query first, then the remembered choice; nothing forces WebGL that is not there', () => {
    expect(chooseRenderer('webgl', 'svg', 'software')).toBe('webgl');
    expect(chooseRenderer('svg', null, 'hardware')).toBe('svg');
    expect(chooseRenderer(null, 'webgl', 'software')).toBe('webgl');
    expect(chooseRenderer('bogus', 'svg', 'hardware')).toBe('svg');
    expect(chooseRenderer('webgl', 'webgl', 'none')).toBe('svg');
  });
});

describe('askWebgl', () => {
  const context = (renderer: string) =>
    ({
      RENDERER: 1,
      getExtension: (name: string) =>
        name === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL: 2 } : { loseContext: () => {} },
      getParameter: (parameter: number) => (parameter === 2 ? renderer : 'WebKit WebGL'),
    }) as unknown as WebGLRenderingContext;

  it('tells a software rasteriser by the caveat or by its name', () => {
    expect(askWebgl(() => context('ANGLE (NVIDIA, GeForce GTX 1650)'))).toBe('hardware');
    expect(askWebgl(() => context('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device))'))).toBe('software');
    expect(askWebgl(() => context('llvmpipe (LLVM 15.0.7, 256 bits)'))).toBe('software');
    expect(
      askWebgl(({ failIfMajorPerformanceCaveat }) => (failIfMajorPerformanceCaveat ? null : context('GPU'))),
    ).toBe('software');
    expect(askWebgl(() => null)).toBe('none');
  });
});
