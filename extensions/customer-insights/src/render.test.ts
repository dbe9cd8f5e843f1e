// The block rendered (Preact to HTML): the loading, error, not-scored and scored states show the
// texts and Polaris web components (s-admin-block, s-badge, s-stack...) the admin draws.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { knownInsights, unknownInsights } from '../test-support/fixtures.ts';
import { loadViewModule, type ViewModule } from '../test-support/load-view.ts';
import { toView } from './view-model.ts';

const NOW = new Date('2026-03-02T10:00:00Z');
let view: ViewModule;
before(async () => {
  view = await loadViewModule();
});

/** The visible text of rendered HTML, whitespace collapsed. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&#39;|&apos;/g, "'").replace(/\s+/g, ' ').trim();
const tags = (html: string, name: string) => [...html.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))].map((m) => m[0]);

test('loading: the block with a spinner, and the container starts there', () => {
  const html = view.renderState({ kind: 'loading' });
  assert.match(html, /^<s-admin-block heading="Segment Refinery">/);
  assert.equal(tags(html, 's-spinner').length, 1);
  assert.match(textOf(html), /Loading customer insights/);
  assert.equal(view.renderBlock(() => new Promise(() => {})), html);
});

test('error: a critical banner with the message', () => {
  const html = view.renderState({ kind: 'error', message: 'The app could not verify this admin session.' });
  assert.deepEqual(tags(html, 's-banner'), ['<s-banner tone="critical" heading="Insights unavailable">']);
  assert.match(textOf(html), /The app could not verify this admin session\./);
});

test('not scored yet: the reason, and nothing else', () => {
  const html = view.renderState({ kind: 'ready', view: toView(unknownInsights(), NOW) });
  assert.match(textOf(html), /^Not scored yet: the app has not synced this customer yet/);
  assert.equal(tags(html, 's-badge').length, 0);
  assert.doesNotMatch(textOf(html), /Purchase propensity/);
});

test('a scored customer: segment badges, RFM group, cluster and its explanation, tiers with scores, CLV, next order, holdout', () => {
  const html = view.renderState({ kind: 'ready', view: toView(knownInsights(), NOW) });
  const text = textOf(html);
  assert.deepEqual(tags(html, 's-badge'), [
    '<s-badge tone="info">',
    '<s-badge tone="success">',
    '<s-badge tone="caution">',
    '<s-badge tone="success">',
    '<s-badge tone="success">',
  ]);
  for (const expected of [
    'Segments Champions Frequent big spenders Likely to buy (held out)',
    'RFM group: Champions',
    'Cluster: Frequent big spenders Order often and spend well above the store average.',
    'Purchase propensity: 81 % High',
    'Churn risk: 12 % Low',
    'Predicted CLV (12 months): 1,234.50',
    'Expected next order: 2026-03-14 (in 12 days)',
    'In the holdout group of 1 segment (Likely to buy)',
  ]) assert.ok(text.includes(expected), `"${expected}" in: ${text}`);
  assert.ok(tags(html, 's-heading').length >= 2);
  assert.ok(tags(html, 's-stack').some((t) => t.includes('direction="inline"')));
});
