// Secrets at rest (access tokens, refresh tokens): AES-256-GCM with a key ring (app/store/secrets.md).
// The key ring comes from REFINERY_ENCRYPTION_KEYS, `keyId:base64-of-32-bytes` entries separated by
// commas, the first being the current key (new secrets are sealed with it; older keys only open).
// A sealed secret is text: `enc:v1:<keyId>:<iv>:<tag>:<data>`, the last three base64url. Without the
// variable (local runs, the demo, tests) one key is kept in a file next to the data, generated once;
// with NODE_ENV=production the variable is required.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RefineryError } from '../../core/errors.ts';

export const SEALED_PREFIX = 'enc:v1:';
export const ENCRYPTION_KEYS_ENV = 'REFINERY_ENCRYPTION_KEYS';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;
const IV_BYTES = 12;
/** Opened secrets remembered per box (see open). */
const OPENED_MEMORY = 256;

export interface SecretBox {
  /** The key new secrets are sealed with. */
  readonly currentKeyId: string;
  /** Every key id of the ring, the current one first. */
  readonly keyIds: readonly string[];
  /** Seals a secret with the current key. */
  seal(plain: string): string;
  /**
   * Opens a sealed secret with the key it names. Text without the `enc:v1:` prefix is returned as it
   * is (a secret stored before encryption; `refinery secrets rotate` seals it). RefineryError SECRETS
   * for an unknown key id or text that does not open.
   */
  open(text: string): string;
  /** The key id a stored value was sealed with; null for plain text. */
  keyIdOf(text: string): string | null;
  /** Whether a stored value is sealed with the current key (else rotation re-seals it). */
  isCurrent(text: string): boolean;
}

export interface SecretKey {
  id: string;
  key: Buffer;
}

/** Parses `id:base64,id:base64` (RefineryError INPUT naming the bad entry, never echoing a key). */
export function parseKeyRing(text: string, source = ENCRYPTION_KEYS_ENV): SecretKey[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new RefineryError('INPUT', `${source} holds no key; expected keyId:base64-of-32-bytes[,keyId:...]`);
  const keys: SecretKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID.test(id)) throw new RefineryError('INPUT', `${source} entry ${index + 1}: expected keyId:base64 with a key id of letters, digits, _ or - (at most 32)`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== KEY_BYTES) throw new RefineryError('INPUT', `${source} key ${id}: the key must be ${KEY_BYTES} bytes in base64 (got ${key.length}); make one with \`openssl rand -base64 32\``);
    if (keys.some((k) => k.id === id)) throw new RefineryError('INPUT', `${source} names key ${id} twice`);
    keys.push({ id, key });
  }
  return keys;
}

export function createSecretBox(keys: readonly SecretKey[]): SecretBox {
  const current = keys[0];
  if (!current) throw new RefineryError('INPUT', 'a secret box needs at least one key');
  // Key objects made once (making one per call is most of the cost of opening a secret).
  const byId = new Map<string, KeyObject>(keys.map((k) => [k.id, createSecretKey(k.key)]));
  const currentKey = byId.get(current.id) as KeyObject;
  // Opened secrets by sealed text: settings are read for every job, and a sealed text always opens
  // to the same secret (a new seal has a new IV, hence a new text). Bounded; only successes kept.
  const opened = new Map<string, string>();
  const keyIdOf = (text: string): string | null => {
    if (!text.startsWith(SEALED_PREFIX)) return null;
    return text.slice(SEALED_PREFIX.length).split(':')[0] ?? '';
  };
  return {
    currentKeyId: current.id,
    keyIds: keys.map((k) => k.id),
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${SEALED_PREFIX}${current.id}:${iv.toString('base64url')}:${tag.toString('base64url')}:${data.toString('base64url')}`;
    },
    open(text) {
      if (!text.startsWith(SEALED_PREFIX)) return text;
      const known = opened.get(text);
      if (known !== undefined) return known;
      const [id = '', iv = '', tag = '', data = '', ...rest] = text.slice(SEALED_PREFIX.length).split(':');
      const key = byId.get(id);
      if (!key) {
        throw new RefineryError('SECRETS', `a stored secret is sealed with key "${id}", which is not in ${ENCRYPTION_KEYS_ENV} (keys: ${[...byId.keys()].join(', ')}); add that key back (after the current one) to read it`, { details: { keyId: id } });
      }
      try {
        if (rest.length > 0) throw new Error('too many parts');
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
        if (opened.size >= OPENED_MEMORY) opened.delete(opened.keys().next().value as string);
        opened.set(text, plain);
        return plain;
      } catch (error) {
        throw new RefineryError('SECRETS', `a stored secret sealed with key "${id}" does not open: the key is not the one it was sealed with, or the text is damaged`, { cause: error, details: { keyId: id } });
      }
    },
    keyIdOf,
    isCurrent: (text) => keyIdOf(text) === current.id,
  };
}

export interface SecretConfig {
  /** REFINERY_ENCRYPTION_KEYS; null when unset. */
  keys: string | null;
  /** Where the local key lives when `keys` is null (next to the data). */
  keyFile: string;
  /** NODE_ENV=production: `keys` is required. */
  production: boolean;
}

export const LOCAL_KEY_ID = 'local';

/**
 * The secret box of a configuration: the env key ring; else the local key file (created once, mode
 * 0600, with a one-line notice through `log`); in production without keys, RefineryError INPUT.
 */
export function openSecretBox(config: SecretConfig, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): SecretBox {
  if (config.keys !== null && config.keys.trim() !== '') return createSecretBox(parseKeyRing(config.keys));
  if (config.production) {
    throw new RefineryError('INPUT', `${ENCRYPTION_KEYS_ENV} is required when NODE_ENV=production: set it to keyId:base64-of-32-bytes (make a key with \`openssl rand -base64 32\`); see app/store/secrets.md`);
  }
  return createSecretBox(parseKeyRing(readOrCreateKeyFile(config.keyFile, log), config.keyFile));
}

function readOrCreateKeyFile(path: string, log: (line: string) => void): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new RefineryError('INPUT', `cannot read the secret key file ${path}: ${(error as Error).message}`);
  }
  const line = `${LOCAL_KEY_ID}:${randomBytes(KEY_BYTES).toString('base64')}\n`;
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, line, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw error;
  }
  chmodSync(path, 0o600);
  log(`refinery: ${ENCRYPTION_KEYS_ENV} is not set; secrets are encrypted with a new local key in ${path} (keep it with the data; set ${ENCRYPTION_KEYS_ENV} in production)`);
  return line;
}

let processBox: SecretBox | null = null;

/**
 * A key made for this process only: for stores opened without a secret box (`:memory:` databases,
 * the store's own tests). What it seals cannot be read by another process.
 */
export function processSecretBox(): SecretBox {
  processBox ??= createSecretBox([{ id: 'process', key: randomBytes(KEY_BYTES) }]);
  return processBox;
}
