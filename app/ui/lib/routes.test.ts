import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NAV_ITEMS, activeNavPath, parseRoute, segmentPath, withQuery } from './routes.ts';

test('paths map to pages', () => {
  assert.deepEqual(parseRoute('/'), { page: 'overview' });
  assert.deepEqual(parseRoute(''), { page: 'overview' });
  assert.deepEqual(parseRoute('/models'), { page: 'models' });
  assert.deepEqual(parseRoute('/models/'), { page: 'models' });
  assert.deepEqual(parseRoute('/quality'), { page: 'quality' });
  assert.deepEqual(parseRoute('/runs'), { page: 'runs' });
  assert.deepEqual(parseRoute('/rules'), { page: 'rules' });
  assert.deepEqual(parseRoute('/settings'), { page: 'settings' });
  assert.deepEqual(parseRoute('/segments/at-risk'), { page: 'segment', key: 'at-risk' });
  assert.deepEqual(parseRoute(segmentPath('a b')), { page: 'segment', key: 'a b' });
  assert.deepEqual(parseRoute('/segments/%E0%A4%A'), { page: 'not-found', path: '/segments/%E0%A4%A' });
  assert.deepEqual(parseRoute('/nope'), { page: 'not-found', path: '/nope' });
});

test('links keep the query string Shopify passed', () => {
  const search = '?shop=demo.myshopify.com&host=abc&embedded=1';
  assert.equal(withQuery('/models', search), `/models${search}`);
  assert.equal(withQuery('/models', 'shop=x'), '/models?shop=x');
  assert.equal(withQuery('/models', ''), '/models');
  assert.equal(withQuery('/models?tab=1', search), '/models?tab=1');
});

test('navigation: every page but the segment page is listed; a segment belongs to the overview', () => {
  assert.deepEqual(
    NAV_ITEMS.map((n) => n.path),
    ['/', '/models', '/quality', '/runs', '/rules', '/settings'],
  );
  assert.equal(activeNavPath({ page: 'segment', key: 'x' }), '/');
  assert.equal(activeNavPath({ page: 'runs' }), '/runs');
  assert.equal(activeNavPath({ page: 'not-found', path: '/x' }), null);
});
