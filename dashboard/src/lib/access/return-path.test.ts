import { describe, expect, it } from 'vitest';
import { returnPath, signInHref } from './return-path.ts';

describe('returnPath', () => {
  it('returns to a path of the dashboard, with its query', () => {
    expect(returnPath('/wall?lang=en')).toBe('/wall?lang=en');
    expect(returnPath('/quick-wins/flood-early-warning')).toBe('/quick-wins/flood-early-warning');
  });

  it.each([
    null,
    '',
    'wall',
    '//evil.example/x',
    '/\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    '/login?next=/wall',
  ])('goes to the wallboard for %j', (next) => {
    expect(returnPath(next)).toBe('/');
  });

  it('is undone by signInHref', () => {
    const href = new URL(signInHref('/wall?lang=en&rotate=20'), 'http://hub.test');
    expect(href.pathname).toBe('/login');
    expect(returnPath(href.searchParams.get('next'))).toBe('/wall?lang=en&rotate=20');
    expect(signInHref('/')).toBe('/login');
  });
});
