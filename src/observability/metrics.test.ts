import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';

/** Prometheus's text format: `# HELP name text` and `# TYPE name type`, one each per family. */
function families(exposition: string): { name: string; type: string; help: boolean }[] {
  const helped = new Set(
    exposition.split('\n').flatMap((line) => /^# HELP (\S+) /.exec(line)?.slice(1, 2) ?? []),
  );
  return exposition.split('\n').flatMap((line) => {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line);
    return match
      ? [{ name: match[1] as string, type: match[2] as string, help: helped.has(match[1] as string) }]
      : [];
  });
}

/** The naming rules of `promtool check metrics` (Prometheus's metric and label naming guide). */
function namingViolations(exposition: string): string[] {
  return families(exposition).flatMap(({ name, type, help }) => {
    const problems: string[] = [];
    if (type === 'counter' && !name.endsWith('_total')) problems.push(`${name}: a counter ends in _total`);
    if (type !== 'counter' && name.endsWith('_total')) problems.push(`${name}: only counters end in _total`);
    if (!/^[a-z_:][a-z0-9_:]*$/.test(name)) problems.push(`${name}: names are snake_case`);
    if (/_(milliseconds|ms|minutes|hours|days|kilobytes|megabytes|percent)(_|$)/.test(name)) {
      problems.push(`${name}: use base units (seconds, bytes, ratios)`);
    }
    if (!help) problems.push(`${name}: no HELP text`);
    return problems;
  });
}

const promtool = spawnSync('promtool', ['--version']).error === undefined;

describe('GET /metrics on a live server', () => {
  let t: TestApp;
  let server: ServerType;
  let exposition: string;

  beforeAll(async () => {
    t = await createTestApp();
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A sample in every family, so the exposition has labelled series and histogram buckets too.
    await fetch(`${base}/healthz`);
    await fetch(`${base}/v1/verifications/vrf_missing`);
    const { metrics } = t.services;
    metrics.jobOutcomes.inc({ kind: 'verification.process', outcome: 'completed' });
    metrics.verdicts.inc({ document_type: 'cet_score_report', verdict: 'verified' });
    metrics.stageDuration.observe({ stage: 'ocr' }, 0.4);
    metrics.llmTokens.inc({ kind: 'prompt' }, 10);
    metrics.llmRequests.inc({ task: 'extract', outcome: 'ok' });
    metrics.llmBreakerState.set({ state: 'closed' }, 1);
    exposition = await (await fetch(`${base}/metrics`)).text();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  it('names every family by the Prometheus rules: no gauge named like a counter', () => {
    expect(exposition).toContain('# TYPE nodejs_active_handles gauge');
    expect(exposition).toContain('# TYPE docverify_http_requests_total counter');
    expect(namingViolations(exposition)).toEqual([]);
  });

  it.skipIf(!promtool)('passes promtool check metrics', () => {
    const check = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
    expect(check.stderr + check.stdout).toBe('');
    expect(check.status).toBe(0);
  });
});
