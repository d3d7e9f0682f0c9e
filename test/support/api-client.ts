import type { Role } from '../../src/auth/api-keys.models.js';
import { waitFor } from './webhook-receiver.js';

/** A few calls of the HTTP API as a client would make them, for tests and scripts that run a real server. */

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export async function createKeyVia(baseUrl: string, adminKey: string, role: Role): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/admin/keys`, {
    method: 'POST',
    headers: { ...bearer(adminKey), 'content-type': 'application/json' },
    body: JSON.stringify({ role }),
  });
  if (res.status !== 201)
    throw new Error(`creating a ${role} key answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

export function uploadDocument(
  baseUrl: string,
  clientKey: string,
  input: { bytes: Buffer; subjectId: string; filename?: string; idempotencyKey?: string },
): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(input.bytes)]), input.filename ?? 'photo.jpg');
  form.append('subjectId', input.subjectId);
  return fetch(`${baseUrl}/v1/verifications`, {
    method: 'POST',
    headers: {
      ...bearer(clientKey),
      ...(input.idempotencyKey ? { 'idempotency-key': input.idempotencyKey } : {}),
    },
    body: form,
  });
}

/** The verification id of an upload's answer, from its Location header (no body needed). */
export function locationId(res: Response): string | null {
  return /\/v1\/verifications\/([^/?]+)$/.exec(res.headers.get('location') ?? '')?.[1] ?? null;
}

export interface VerificationView {
  id: string;
  subjectId: string;
  status: 'queued' | 'processing' | 'completed' | 'failed';
  verdict: string | null;
}

export const isFinal = (v: VerificationView | undefined) =>
  v?.status === 'completed' || v?.status === 'failed';

export async function readVerification(baseUrl: string, key: string, id: string): Promise<VerificationView> {
  const res = await fetch(`${baseUrl}/v1/verifications/${id}`, { headers: bearer(key) });
  if (res.status !== 200) throw new Error(`GET ${id} answered ${res.status}`);
  return (await res.json()) as VerificationView;
}

/** A subject's verifications; none when the subject does not exist (a client gets 404 for it). */
export async function listSubjectVerifications(
  baseUrl: string,
  key: string,
  subjectId: string,
): Promise<VerificationView[]> {
  const res = await fetch(`${baseUrl}/v1/subjects/${subjectId}/verifications`, { headers: bearer(key) });
  if (res.status === 404) return [];
  if (res.status !== 200) throw new Error(`listing ${subjectId} answered ${res.status}`);
  return ((await res.json()) as { items: VerificationView[] }).items;
}

/** Polls until every verification is completed or failed; throws with the stragglers after the timeout. */
export async function waitUntilFinal(
  baseUrl: string,
  key: string,
  ids: string[],
  timeoutMs: number,
): Promise<Map<string, VerificationView>> {
  const seen = new Map<string, VerificationView>();
  await waitFor(
    async () => {
      for (const id of ids) {
        if (!isFinal(seen.get(id))) seen.set(id, await readVerification(baseUrl, key, id));
      }
      return ids.filter((id) => !isFinal(seen.get(id)));
    },
    (pending) => pending.length === 0,
    timeoutMs,
  );
  return seen;
}
