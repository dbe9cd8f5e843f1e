// The app's web pixel on a shop: webPixelCreate, webPixelUpdate and webPixel. A shop holds at most
// one pixel of the app: a second webPixelCreate answers the userError TAKEN; webPixel without an
// id returns the app's pixel (a top-level error when it has none, as Shopify answers). Settings
// arrive as the JSON scalar: a JSON text (or an object) that must be a JSON object
// (INVALID_CONFIGURATION_JSON otherwise) whose values are strings, as the settings of a pixel
// extension are (INVALID_SETTINGS otherwise); they are kept as a JSON text and answered as given.
// The pixel is kept per shop for tests (emulator.webPixel(shop)).
import { EmulatorError } from './errors.ts';
import { argString } from './context.ts';
import type { Args, RequestContext, TypeResolvers } from './context.ts';
import { toGid, numericId } from './gid.ts';
import type { ShopState } from './shop-state.ts';

export interface WebPixelRecord {
  id: number;
  /** The settings as a JSON text. */
  settings: string;
  createdAt: string;
  updatedAt: string;
}

interface WebPixelUserError {
  code: string;
  field: string[];
  message: string;
}

const pixels = new WeakMap<ShopState, WebPixelRecord>();

/** The app's pixel on the shop, or null. */
export function webPixelOf(shop: ShopState): WebPixelRecord | null {
  return pixels.get(shop) ?? null;
}

function view(record: WebPixelRecord): Record<string, unknown> {
  return { __typename: 'WebPixel', id: toGid('WebPixel', record.id), settings: record.settings };
}

function failure(code: string, field: string[], message: string): { webPixel: null; userErrors: WebPixelUserError[] } {
  return { webPixel: null, userErrors: [{ code, field, message }] };
}

/** The settings as a JSON text, or the userError that refuses them. */
function settingsOf(args: Args): { settings: string } | { error: WebPixelUserError } {
  const input = args['webPixel'];
  const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)['settings'] : undefined;
  const field = ['webPixel', 'settings'];
  if (raw === undefined || raw === null || raw === '') return { error: { code: 'BLANK', field, message: "Settings can't be blank" } };
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { error: { code: 'INVALID_CONFIGURATION_JSON', field, message: 'The provided settings is not a valid JSON.' } };
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: { code: 'INVALID_CONFIGURATION_JSON', field, message: 'The provided settings is not a valid JSON.' } };
  }
  const wrong = Object.entries(parsed).find(([, value]) => typeof value !== 'string');
  if (wrong) return { error: { code: 'INVALID_SETTINGS', field, message: `The provided settings does not match the expected settings definition on the app: ${wrong[0]} must be a string` } };
  return { settings: JSON.stringify(parsed) };
}

function create(ctx: RequestContext, args: Args): unknown {
  if (pixels.has(ctx.shop)) return failure('TAKEN', ['webPixel'], 'Web pixel is taken.');
  const checked = settingsOf(args);
  if ('error' in checked) return { webPixel: null, userErrors: [checked.error] };
  const at = new Date(ctx.now).toISOString();
  const record: WebPixelRecord = { id: ctx.core.nextId(), settings: checked.settings, createdAt: at, updatedAt: at };
  pixels.set(ctx.shop, record);
  return { webPixel: view(record), userErrors: [] };
}

function update(ctx: RequestContext, args: Args): unknown {
  const record = pixels.get(ctx.shop);
  const id = argString(args, 'id');
  if (!record || id === null || numericId(id, 'WebPixel') !== record.id) return failure('NOT_FOUND', ['id'], 'Web pixel not found.');
  const checked = settingsOf(args);
  if ('error' in checked) return { webPixel: null, userErrors: [checked.error] };
  record.settings = checked.settings;
  record.updatedAt = new Date(ctx.now).toISOString();
  return { webPixel: view(record), userErrors: [] };
}

export const webPixelQueryResolvers: TypeResolvers = {
  webPixel: (_s, args, ctx) => {
    const record = pixels.get(ctx.shop);
    const id = argString(args, 'id');
    if (!record || (id !== null && numericId(id, 'WebPixel') !== record.id)) throw new EmulatorError('No web pixel was found for this app.', 'RECORD_NOT_FOUND');
    return view(record);
  },
};

export const webPixelMutationResolvers: TypeResolvers = {
  webPixelCreate: (_s, args, ctx) => create(ctx, args),
  webPixelUpdate: (_s, args, ctx) => update(ctx, args),
};
