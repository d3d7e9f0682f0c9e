import type { z } from '@hono/zod-openapi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedVerification } from '../../test/support/seed.js';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { startWebhookReceiver, type WebhookReceiver, waitFor } from '../../test/support/webhook-receiver.js';
import { PING_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from './webhooks.models.js';
import { WEBHOOK_PAYLOAD_SCHEMAS } from './webhooks.openapi.js';

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
}

describe('webhooks: the OpenAPI document', () => {
  let t: TestApp;
  let receiver: WebhookReceiver | null = null;
  beforeEach(async () => {
    t = await createTestApp({
      env: { WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    });
  });
  afterEach(async () => {
    await t.close();
    await receiver?.close();
    receiver = null;
  });

  it('has a webhooks section: every event type, its payload schema and the three signature headers', async () => {
    const doc = await (await t.app.request('/openapi.json')).json();
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES, PING_EVENT_TYPE].sort());
    const operationIds = new Set<string>();
    for (const [type, item] of Object.entries<{ post: Operation }>(doc.webhooks)) {
      const { operationId, parameters, requestBody } = item.post;
      expect(operationId, type).toMatch(/^on[A-Z]\w+$/);
      operationIds.add(String(operationId));
      expect(parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
        ['webhook-id', 'header', true],
        ['webhook-timestamp', 'header', true],
        ['webhook-signature', 'header', true],
      ]);
      const ref = String(requestBody?.content['application/json']?.schema.$ref);
      const schema = doc.components.schemas[ref.replace('#/components/schemas/', '')];
      expect(schema?.properties?.type?.enum, type).toEqual([type]);
      expect(schema?.required).toEqual(['id', 'type', 'timestamp', 'createdAt', 'data']);
    }
    expect(operationIds.size).toBe(Object.keys(doc.webhooks).length);
  });

  it('documents the endpoint routes with operationIds', async () => {
    const doc = await (await t.app.request('/openapi.json')).json();
    const ids = (path: string) =>
      Object.values<Operation>(doc.paths[path] ?? {}).map((operation) => operation.operationId);
    expect(ids('/v1/admin/webhooks/endpoints/{endpointId}')).toEqual(['updateWebhookEndpoint']);
    expect(ids('/v1/admin/webhooks/endpoints/{endpointId}/disable')).toEqual(['disableWebhookEndpoint']);
    expect(ids('/v1/admin/webhooks/endpoints/{endpointId}/enable')).toEqual(['enableWebhookEndpoint']);
    expect(ids('/v1/admin/webhooks/endpoints/{endpointId}/rotate-secret')).toEqual([
      'rotateWebhookEndpointSecret',
    ]);
    expect(ids('/v1/admin/webhooks/endpoints/{endpointId}/ping')).toEqual(['pingWebhookEndpoint']);
  });

  it('real deliveries match their schema, with no key the schema leaves out', async () => {
    receiver = await startWebhookReceiver();
    const created = await t.app.request('/v1/admin/webhooks', {
      method: 'POST',
      headers: { ...t.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url }),
    });
    const { id: endpointId } = await created.json();
    const verificationId = await seedVerification(t.services, {
      subjectId: 'u-spec',
      documentType: 'degree_certificate',
      fields: { degree: '工学学士' },
    });
    const revoked = await t.app.request(`/v1/verifications/${verificationId}/revoke`, {
      method: 'POST',
      headers: { ...t.auth('reviewer'), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'document_invalid' }),
    });
    expect(revoked.status).toBe(200);
    await t.app.request(`/v1/admin/webhooks/endpoints/${endpointId}/ping`, {
      method: 'POST',
      headers: t.auth('admin'),
    });
    const arrived = await waitFor(
      () => receiver?.acknowledged() ?? [],
      (r) => r.length === 2,
    );

    const types = [];
    for (const request of arrived) {
      const body = JSON.parse(request.body);
      types.push(body.type);
      const schema = WEBHOOK_PAYLOAD_SCHEMAS[body.type as keyof typeof WEBHOOK_PAYLOAD_SCHEMAS];
      expect(schema.safeParse(body).error).toBeUndefined();
      const shape = schema.shape;
      const data = shape.data as z.ZodObject;
      expect(Object.keys(body).filter((k) => !(k in shape))).toEqual([]);
      expect(Object.keys(body.data).filter((k) => !(k in data.shape))).toEqual([]);
    }
    expect(types.sort()).toEqual(['ping', 'verification.revoked']);
  });
});
