// Preview harness of the admin UI (not a test): serves the real shell and bundle with fixture
// answers for /api/* (app/ui/fixtures) and a stand-in for App Bridge, so the pages can be looked
// at, and screenshotted, without the API or Shopify.
//   node app/ui/dev-preview.ts [--scenario=demo|empty|error] [--port=4400]
//   node app/ui/dev-preview.ts --screenshots=/tmp/ui-shots [--scenario=...]
import type { Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Request, type Response } from 'express';
import type { RuleProblem, RulePreviewResponse, RuleSegmentView, SettingsResponse } from '../server/api/api-types.ts';
import { mountUi } from '../server/ui-routes.ts';
import * as fixtures from './fixtures/demo-fixtures.ts';

export type Scenario = 'demo' | 'empty' | 'error';

const TOKEN = 'preview-token';

/** App Bridge stand-in: the first token is stale (exercises the client's one retry), then a good one. */
const APP_BRIDGE_STUB = `window.shopify = { calls: 0, idToken() { this.calls += 1; return Promise.resolve(this.calls === 1 ? 'stale-token' : '${TOKEN}'); }, toast: { show(m) { console.log('toast', m); } } };`;

function fakePreview(rule: string): RulePreviewResponse {
  const problems: RuleProblem[] = [];
  rule.split('\n').forEach((line, i) => {
    const at = line.indexOf('ordrs');
    if (at >= 0) problems.push({ line: i + 1, column: at + 1, message: 'unknown field ordrs', suggestion: 'orders_count' });
  });
  if ((rule.match(/'/g) ?? []).length % 2 === 1) problems.push({ line: 1, column: rule.indexOf("'") + 1, message: 'unterminated text value', suggestion: null });
  if (problems.length > 0) return { ok: false, problems };
  const size = 40 + ((rule.length * 37) % 900);
  return { ok: true, size, share: size / 4_120, sampleMemberRefs: ['m_preview0000001', 'm_preview0000002'] };
}

export function createPreviewApp(scenario: Scenario = 'demo') {
  const app = express();
  app.use(express.json());
  app.get('/dev/app-bridge.js', (_req, res) => {
    res.type('text/javascript').send(APP_BRIDGE_STUB);
  });
  let settings: SettingsResponse = structuredClone(scenario === 'empty' ? fixtures.emptySettings : fixtures.settings);
  const rules = new Map(fixtures.rules.rules.map((r) => [r.key, r]));
  if (scenario === 'empty') rules.clear();

  const api = express.Router();
  api.use((req, res, next) => {
    const auth = req.get('authorization');
    if (auth !== `Bearer ${TOKEN}`) {
      res.setHeader('X-Shopify-Retry-Invalid-Session-Request', '1');
      res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'the session token is not valid' } });
      return;
    }
    if (scenario === 'error') {
      res.status(500).json({ error: { code: 'INTERNAL', message: 'The database is not reachable (preview scenario "error").' } });
      return;
    }
    next();
  });
  const empty = scenario === 'empty';
  api.get('/overview', (_req, res) => void res.json(empty ? fixtures.emptyOverview : fixtures.overview));
  api.get('/segments/:key', (req: Request, res: Response) => {
    const detail = fixtures.segmentDetail(String(req.params.key));
    if (!detail || empty) res.status(404).json({ error: { code: 'NOT_FOUND', message: `No segment ${String(req.params.key)}` } });
    else res.json(detail);
  });
  api.get('/models', (_req, res) => void res.json(empty ? fixtures.emptyModels : fixtures.models));
  api.get('/quality', (_req, res) => void res.json(empty ? fixtures.emptyQuality : fixtures.quality));
  api.get('/runs', (_req, res) => void res.json(empty ? { runs: [] } : fixtures.runsResponse));
  api.get('/rules', (_req, res) => void res.json({ rules: [...rules.values()], fields: fixtures.rules.fields }));
  api.post('/rules/preview', (req, res) => void res.json(fakePreview(String(req.body?.rule ?? ''))));
  api.put('/rules/:key', (req, res) => {
    const result = fakePreview(String(req.body?.rule ?? ''));
    if (!result.ok) {
      res.status(422).json({ error: { code: 'VALIDATION', message: 'The rule has problems.', problems: result.problems } });
      return;
    }
    const key = String(req.params.key);
    const now = new Date().toISOString();
    const saved: RuleSegmentView = { key, name: String(req.body?.name ?? key), rule: String(req.body?.rule), createdAt: rules.get(key)?.createdAt ?? now, updatedAt: now, size: rules.get(key)?.size ?? null };
    rules.set(key, saved);
    res.json(saved);
  });
  api.delete('/rules/:key', (req, res) => {
    rules.delete(String(req.params.key));
    res.json({ deleted: true });
  });
  api.get('/settings', (_req, res) => void res.json(settings));
  api.put('/settings', (req, res) => {
    const body = req.body ?? {};
    const issues: Array<{ path: string; message: string }> = [];
    if (body.schedule?.timeZone === 'Etc/Unknown') issues.push({ path: 'schedule.timeZone', message: 'unknown time zone' });
    if (typeof body.schedule?.fullSyncCron === 'string' && body.schedule.fullSyncCron.includes('61')) issues.push({ path: 'schedule.fullSyncCron', message: 'minute 61 is out of range (0-59)' });
    if (typeof body.tagPrefix === 'string' && body.tagPrefix.length > 20) issues.push({ path: 'tagPrefix', message: 'at most 20 characters' });
    if (issues.length > 0) {
      res.status(422).json({ error: { code: 'VALIDATION', message: 'Some settings are not valid.', issues } });
      return;
    }
    settings = { ...settings, ...body, schedule: body.schedule ?? settings.schedule };
    res.json(settings);
  });
  api.post('/hubspot/connect', (req, res) => {
    if (String(req.body?.accessToken ?? '').startsWith('bad')) {
      res.status(422).json({ error: { code: 'VALIDATION', message: 'HubSpot refused the token (401).', issues: [{ path: 'accessToken', message: 'HubSpot does not accept this token' }] } });
      return;
    }
    settings = { ...settings, hubspot: { connected: true, portalId: 24_681_357, authKind: 'private-app', requestsPerTenSeconds: Number(req.body?.requestsPerTenSeconds ?? 100), createContacts: Boolean(req.body?.createContacts) } };
    res.json(settings);
  });
  api.delete('/hubspot', (_req, res) => {
    settings = { ...settings, hubspot: { connected: false, portalId: null, authKind: null, requestsPerTenSeconds: null, createContacts: false } };
    res.json(settings);
  });
  api.post('/sync', (req, res) => void res.status(202).json({ queued: true, mode: req.body?.mode === 'incremental' ? 'incremental' : 'full', jobId: 'sync-now|preview' }));
  app.use('/api', api);
  mountUi(app, { apiKey: 'preview-api-key', appBridgeUrl: '/dev/app-bridge.js' });
  return app;
}

export async function startPreview(scenario: Scenario, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const app = createPreviewApp(scenario);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Screenshots of every page (full page) into `dir`. */
async function screenshots(scenario: Scenario, dir: string): Promise<void> {
  const { openBrowser } = await import('../../test/support/browser.ts');
  mkdirSync(dir, { recursive: true });
  const preview = await startPreview(scenario);
  const session = await openBrowser();
  const query = '?shop=demo-store.myshopify.com&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtbw&embedded=1';
  const pages: Array<[string, string]> = [
    ['overview', '/'],
    ['segment', '/segments/champions'],
    ['models', '/models'],
    ['quality', '/quality'],
    ['runs', '/runs'],
    ['rules', '/rules'],
    ['settings', '/settings'],
  ];
  try {
    for (const [name, path] of pages) {
      await session.page.goto(`${preview.url}${path}${query}`);
      await session.page.waitForSelector('[data-testid^="page-"]:not([data-testid="page-loading"])');
      await session.page.waitForFunction('!document.querySelector(\'[data-testid="page-loading"]\')');
      if (name === 'rules' && scenario === 'demo') {
        await session.page.click('[data-testid="rule-item-vip-kitchen"]');
        await session.page.fill('#rule-text', "amount_spent > 500 AND ordrs > 2 AND product_types CONTAINS 'Kitchen'");
        await session.page.waitForSelector('[data-testid="rule-preview"][data-status="invalid"]');
      }
      const file = join(dir, `${scenario}-${name}.png`);
      await session.page.screenshot({ path: file, fullPage: true });
      process.stdout.write(`${file}\n`);
    }
    if (session.pageErrors.length > 0) process.stdout.write(`page errors:\n${session.pageErrors.join('\n')}\n`);
    if (session.blocked.length > 0) process.stdout.write(`blocked requests:\n${session.blocked.join('\n')}\n`);
  } finally {
    await session.close();
    await preview.close();
  }
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const scenario = (arg('scenario') ?? 'demo') as Scenario;
  const dir = arg('screenshots');
  if (dir) {
    await screenshots(scenario, dir);
  } else {
    const preview = await startPreview(scenario, Number(arg('port') ?? 4400));
    process.stdout.write(`UI preview (${scenario}) on ${preview.url}/?shop=demo-store.myshopify.com\n`);
  }
}
