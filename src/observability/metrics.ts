import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * prom-client's default metrics include three gauges named like counters (`_total`), which
 * Prometheus's naming rules forbid (`promtool check metrics` fails on them). Each is the sum of the
 * gauge of the same name without `_total`, grouped by type: `sum(nodejs_active_handles)`.
 */
const DEFAULT_GAUGES_NAMED_AS_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

/** One registry per app instance, so two apps in one process (tests) never share counters. */
export function createMetrics(options: { jobCounts: () => Promise<Record<string, number>> }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of DEFAULT_GAUGES_NAMED_AS_COUNTERS) registry.removeSingleMetric(name);
  const httpRequests = new Counter({
    name: 'docverify_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'docverify_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const jobOutcomes = new Counter({
    name: 'docverify_job_outcomes_total',
    help: 'Finished job attempts by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const verdicts = new Counter({
    name: 'docverify_verdicts_total',
    help: 'Verdicts by document type and verdict',
    labelNames: ['document_type', 'verdict'] as const,
    registers: [registry],
  });
  const stageDuration = new Histogram({
    name: 'docverify_pipeline_stage_seconds',
    help: 'Pipeline stage latency',
    labelNames: ['stage'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
    registers: [registry],
  });
  const llmTokens = new Counter({
    name: 'docverify_llm_tokens_total',
    help: 'Tokens used by the LLM assist, by kind (prompt, completion)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const llmRequests = new Counter({
    name: 'docverify_llm_requests_total',
    help: 'LLM assist calls by task and outcome (ok, cached, invalid_output, unavailable, budget_exhausted, breaker_open)',
    labelNames: ['task', 'outcome'] as const,
    registers: [registry],
  });
  const llmBreakerState = new Gauge({
    name: 'docverify_llm_breaker_state',
    help: 'The LLM circuit breaker: 1 for its current state (closed, open, half_open), 0 for the others',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'docverify_jobs',
    help: 'Jobs in the queue by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      for (const [status, n] of Object.entries(await options.jobCounts())) this.set({ status }, n);
    },
  });
  return {
    registry,
    httpRequests,
    httpDuration,
    jobOutcomes,
    verdicts,
    stageDuration,
    llmTokens,
    llmRequests,
    llmBreakerState,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
