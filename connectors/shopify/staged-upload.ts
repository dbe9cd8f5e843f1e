// Staged uploads: ask Shopify for an upload target, then POST the file to it as a form.
import { RefineryError } from '../../core/errors.ts';
import { withRetry } from '../shared/with-retry.ts';
import type { AdminClient } from './admin-client.ts';
import { STAGED_UPLOADS_CREATE } from './documents.ts';

interface StagedTarget {
  url: string | null;
  resourceUrl: string | null;
  parameters: Array<{ name: string; value: string }>;
}

/** Uploads a JSONL file of mutation variables; returns the staged upload path for bulk mutations. */
export async function uploadBulkVariables(client: AdminClient, filename: string, jsonl: string): Promise<string> {
  const data = await client.request<{
    stagedUploadsCreate: { stagedTargets: StagedTarget[]; userErrors: Array<{ message: string }> } | null;
  }>('stagedUploadsCreate', STAGED_UPLOADS_CREATE, {
    input: [{ resource: 'BULK_MUTATION_VARIABLES', filename, mimeType: 'text/jsonl', httpMethod: 'POST' }],
  });
  const payload = data.stagedUploadsCreate;
  if (!payload || payload.userErrors.length > 0) {
    throw new RefineryError('GRAPHQL', `Shopify refused the staged upload: ${payload?.userErrors.map((e) => e.message).join('; ') ?? 'no payload'}`);
  }
  const target = payload.stagedTargets[0];
  const key = target?.parameters.find((p) => p.name === 'key')?.value;
  if (!target?.url || !key) throw new RefineryError('GRAPHQL', 'Shopify returned a staged upload target without a url or key');
  const url = target.url;

  await withRetry(
    async () => {
      const form = new FormData();
      for (const p of target.parameters) form.append(p.name, p.value);
      form.append('file', new Blob([jsonl], { type: 'text/jsonl' }), filename);
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(120_000) });
      } catch (error) {
        throw new RefineryError('NETWORK', `uploading ${filename} failed: ${(error as Error).message}`, { cause: error });
      }
      if (!res.ok) {
        const code = res.status === 429 || res.status >= 500 ? 'UPSTREAM_UNAVAILABLE' : 'VALIDATION';
        throw new RefineryError(code, `uploading ${filename} answered ${res.status}`);
      }
      await res.body?.cancel();
    },
    client.retryPolicy,
    { sleep: client.deps.sleep, random: client.deps.random },
  );
  return key;
}
