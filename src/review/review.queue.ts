import type { Clock } from '../platform/clock.js';
import { buildQueue, computeMetrics, type QueueFilters } from './review.models.js';
import type { ReviewsRepository } from './reviews.repository.js';

/** What the queue and the metrics read: no blobs, no sessions, no images (the edge Worker serves both). */
export interface ReviewQueueDeps {
  reviews: ReviewsRepository;
  clock: Clock;
  settings: { qcSampleOneIn: number };
}

export async function reviewQueue(deps: ReviewQueueDeps, filters: QueueFilters) {
  return buildQueue(await deps.reviews.queueCandidates(filters), {
    reviewedIds: await deps.reviews.reviewedIds(),
    qcSampleOneIn: deps.settings.qcSampleOneIn,
    filters,
    now: deps.clock.now(),
  });
}

export async function reviewMetrics(deps: ReviewQueueDeps) {
  return computeMetrics(await reviewQueue(deps, {}), await deps.reviews.list());
}
