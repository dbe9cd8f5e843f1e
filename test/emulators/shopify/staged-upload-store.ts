// Staged upload targets (what stagedUploadsCreate hands out) and the files posted to them, kept
// on disk under the emulator's work directory, looked up by their `key`.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StagedUpload {
  readonly key: string;
  readonly shop: string;
  readonly filename: string;
  readonly mimeType: string;
  readonly signature: string;
  readonly parameters: { name: string; value: string }[];
  /** Set once the file has been posted. */
  filePath: string | null;
  size: number;
}

export const MAX_STAGED_UPLOAD_BYTES = 100 * 1024 * 1024;
const BUCKET = 'shopify-staged-uploads';

export class StagedUploadStore {
  private readonly uploads = new Map<string, StagedUpload>();
  private readonly directory: string;
  private readonly secret = randomBytes(32);

  constructor(directory: string) {
    this.directory = directory;
  }

  /** Creates a target with GCS-like form parameters; `key` is the stagedUploadPath later. */
  reserve(shop: string, shopNumericId: number, filename: string, mimeType: string): StagedUpload {
    const safeName = filename.replace(/[^A-Za-z0-9._-]/g, '_') || 'upload';
    const key = `tmp/${shopNumericId}/bulk/${randomUUID()}/${safeName}`;
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const expiration = new Date(Date.now() + 3_600_000).toISOString();
    const policy = Buffer.from(
      JSON.stringify({
        conditions: [{ 'Content-Type': mimeType }, { success_action_status: '201' }, { acl: 'private' }, ['content-length-range', 1, MAX_STAGED_UPLOAD_BYTES], { bucket: BUCKET }, { key }],
        expiration,
      }),
    ).toString('base64');
    const signature = createHmac('sha256', this.secret).update(policy).digest('hex');
    const upload: StagedUpload = {
      key,
      shop,
      filename: safeName,
      mimeType,
      signature,
      parameters: [
        { name: 'Content-Type', value: mimeType },
        { name: 'success_action_status', value: '201' },
        { name: 'acl', value: 'private' },
        { name: 'key', value: key },
        { name: 'x-goog-date', value: date },
        { name: 'x-goog-credential', value: `emulator-uploads@shopify-emulator.iam.gserviceaccount.com/${date.slice(0, 8)}/auto/storage/goog4_request` },
        { name: 'x-goog-algorithm', value: 'GOOG4-HMAC-SHA256' },
        { name: 'x-goog-signature', value: signature },
        { name: 'policy', value: policy },
      ],
      filePath: null,
      size: 0,
    };
    this.uploads.set(key, upload);
    return upload;
  }

  get(key: string): StagedUpload | undefined {
    return this.uploads.get(key);
  }

  /** Stores the posted file under its key; the upload must have been reserved and signed. */
  async store(upload: StagedUpload, data: Uint8Array): Promise<void> {
    const filePath = join(this.directory, `upload-${randomUUID()}.jsonl`);
    await writeFile(filePath, data);
    upload.filePath = filePath;
    upload.size = data.byteLength;
  }
}

export const STAGED_UPLOAD_BUCKET = BUCKET;
