// HTTP routing: the Admin GraphQL endpoint per shop, bulk result files, and the staged upload
// target (multipart/form-data, answered like Google Cloud Storage).
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from './context.ts';
import { handleGraphql } from './graphql-endpoint.ts';
import { BodyTooLargeError, applyRequestFault, readBody, sendJson, sendXml, xmlEscape } from './http-util.ts';
import type { ShopState } from './shop-state.ts';
import { MAX_STAGED_UPLOAD_BYTES, STAGED_UPLOAD_BUCKET } from './staged-upload-store.ts';
import { isActive } from './bulk-operation-record.ts';
import { accessTokenRoute, authorizeRoute, type InstallState } from './app-install.ts';
import { adminPageRoute, appBridgeRoute, sessionTokenRoute } from './admin-frame.ts';

export interface ServerState {
  core: EmulatorCore | null;
  readonly shops: Map<string, ShopState>;
  readonly apiVersion: string;
  /** The app being installed (app-install.ts, admin-frame.ts). */
  readonly install: InstallState;
}

const GRAPHQL_PATH = /^\/shops\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/;
const BULK_PATH = /^\/bulk\/(\d+)\.jsonl$/;
const OAUTH_PATH = /^\/shops\/([^/]+)\/admin\/oauth\/(access_token|authorize)$/;
const ADMIN_APP_PATH = /^\/admin\/apps\/([^/]+)$/;
const MAX_GRAPHQL_BODY = 10 * 1024 * 1024;
const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

async function graphqlRoute(state: ServerState, core: EmulatorCore, match: RegExpExecArray, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const shopDomain = decodeURIComponent(match[1] ?? '');
  const version = match[2] ?? '';
  if (version !== state.apiVersion) return sendJson(res, 404, { errors: 'Not Found' });
  const shop = state.shops.get(shopDomain);
  const token = req.headers['x-shopify-access-token'];
  if (!shop || typeof token !== 'string' || (token !== shop.accessToken && !shop.issuedTokens.has(token))) return sendJson(res, 401, { errors: INVALID_TOKEN });
  const fault = shop.faults.takeRequestFault('graphql');
  if (fault) return applyRequestFault(shop, fault, req, res);
  let payload: unknown;
  try {
    payload = JSON.parse((await readBody(req, MAX_GRAPHQL_BODY)).toString('utf8'));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendJson(res, 413, { errors: 'Request body too large' });
    return sendJson(res, 400, { errors: 'Invalid JSON in request body' });
  }
  const result = handleGraphql(core, shop, payload);
  sendJson(res, result.status, result.body, { 'X-Shopify-API-Version': state.apiVersion, ...result.headers });
}

function bulkResultRoute(state: ServerState, core: EmulatorCore, id: number, req: IncomingMessage, res: ServerResponse): void {
  const record = core.bulkOperations.get(id);
  if (!record || record.filePath === null || isActive(record)) {
    return sendXml(res, 404, '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
  }
  const shop = state.shops.get(record.shop);
  const fault = shop?.faults.takeRequestFault('bulk-result');
  if (shop && fault) return applyRequestFault(shop, fault, req, res);
  res.writeHead(200, { 'Content-Type': 'application/jsonl', 'Content-Length': String(record.fileSize) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(record.filePath);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

async function stagedUploadRoute(state: ServerState, core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let form: FormData;
  try {
    const body = await readBody(req, MAX_STAGED_UPLOAD_BYTES + 64 * 1024);
    const request = new Request('http://127.0.0.1/staged-uploads', { method: 'POST', headers: { 'content-type': String(req.headers['content-type'] ?? '') }, body });
    form = await request.formData();
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendXml(res, 400, '<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size.</Message></Error>');
    return sendXml(res, 400, '<Error><Code>InvalidArgument</Code><Message>Expected a multipart/form-data body.</Message></Error>');
  }
  const key = form.get('key');
  const upload = typeof key === 'string' ? core.stagedUploads.get(key) : undefined;
  if (!upload || form.get('x-goog-signature') !== upload.signature) {
    return sendXml(res, 403, '<Error><Code>AccessDenied</Code><Message>Access denied.</Message><Details>Invalid or missing staged upload key or signature.</Details></Error>');
  }
  const shop = state.shops.get(upload.shop);
  const fault = shop?.faults.takeRequestFault('staged-upload');
  if (shop && fault) return applyRequestFault(shop, fault, req, res);
  const file = form.get('file');
  if (file === null || typeof file === 'string') {
    return sendXml(res, 400, '<Error><Code>InvalidArgument</Code><Message>Missing the file field.</Message></Error>');
  }
  if (file.size > MAX_STAGED_UPLOAD_BYTES) return sendXml(res, 400, '<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size.</Message></Error>');
  await core.stagedUploads.store(upload, new Uint8Array(await file.arrayBuffer()));
  const location = `${core.origin}/staged-uploads/${upload.key}`;
  sendXml(
    res,
    201,
    `<PostResponse><Location>${xmlEscape(location)}</Location><Bucket>${STAGED_UPLOAD_BUCKET}</Bucket><Key>${xmlEscape(upload.key)}</Key><ETag>"${upload.size.toString(16)}"</ETag></PostResponse>`,
  );
}

export function createRequestHandler(state: ServerState): (req: IncomingMessage, res: ServerResponse) => void {
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const core = state.core;
    if (!core) return sendJson(res, 503, { errors: 'Emulator starting' });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const oauth = OAUTH_PATH.exec(path);
    if (oauth) {
      const shop = state.shops.get(decodeURIComponent(oauth[1] ?? ''));
      if (oauth[2] === 'access_token' && req.method === 'POST') return accessTokenRoute(state.install, shop, req, res);
      if (oauth[2] === 'authorize' && req.method === 'GET') return authorizeRoute(state.install, shop, url, res);
      return sendJson(res, 405, { errors: 'Method Not Allowed' });
    }
    const adminApp = ADMIN_APP_PATH.exec(path);
    if (adminApp && req.method === 'GET') return adminPageRoute(state.install, state.shops, decodeURIComponent(adminApp[1] ?? ''), url, res);
    if (path === '/admin/session-token') return sessionTokenRoute(state.install, state.shops, url, req, res);
    if (path === '/shopifycloud/app-bridge.js' && req.method === 'GET') return appBridgeRoute(req, res);
    const graphql = GRAPHQL_PATH.exec(path);
    if (graphql) {
      if (req.method !== 'POST') return sendJson(res, 405, { errors: 'Method Not Allowed' });
      return graphqlRoute(state, core, graphql, req, res);
    }
    const bulk = BULK_PATH.exec(path);
    if (bulk && (req.method === 'GET' || req.method === 'HEAD')) return bulkResultRoute(state, core, Number(bulk[1]), req, res);
    if (path === '/staged-uploads' && req.method === 'POST') return stagedUploadRoute(state, core, req, res);
    if (path === '/health') return sendJson(res, 200, { ok: true });
    sendJson(res, 404, { errors: 'Not Found' });
  };
  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      console.error('[shopify-emulator] request failed:', error);
      if (!res.headersSent) sendJson(res, 500, { errors: 'Internal Server Error' });
      else res.destroy();
    });
  };
}
