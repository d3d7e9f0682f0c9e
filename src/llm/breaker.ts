import type { Clock } from '../platform/clock.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the breaker; 0 = never open. */
  failures: number;
  /** How long the breaker stays open before one trial call is let through. */
  cooldownMs: number;
  clock: Clock;
  onChange?: (state: BreakerState) => void;
}

/**
 * Switches the model off for a while after repeated failures, so that a model that is down, slow
 * or answering garbage costs each document nothing instead of a full deadline. Closed: calls go
 * through. After `failures` consecutive failures it opens: calls are refused until `cooldownMs`
 * has passed on the injected clock. Then half-open: one trial call goes through (the others are
 * refused meanwhile); its success closes the breaker, its failure opens it again for a cool-down.
 * In memory, per process, like the daily budget.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions) {
  let state: BreakerState = 'closed';
  let consecutiveFailures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const moveTo = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    options.onChange?.(next);
  };

  return {
    get state(): BreakerState {
      return state;
    },

    /** Whether a call may go to the model now; a true in half-open is the one trial call. */
    allowCall(): boolean {
      if (options.failures <= 0) return true;
      if (state === 'open') {
        if (options.clock.now().getTime() - openedAt < options.cooldownMs) return false;
        moveTo('half_open');
        trialInFlight = false;
      }
      if (state === 'half_open') {
        if (trialInFlight) return false;
        trialInFlight = true;
      }
      return true;
    },

    /** The model answered (even with output that did not validate): it is reachable. */
    succeeded(): void {
      consecutiveFailures = 0;
      trialInFlight = false;
      moveTo('closed');
    },

    /** The call failed: timeout, connection error, 5xx after retries, a refused reply. */
    failed(): void {
      if (options.failures <= 0) return;
      consecutiveFailures += 1;
      if (state === 'half_open' || consecutiveFailures >= options.failures) {
        openedAt = options.clock.now().getTime();
        trialInFlight = false;
        moveTo('open');
      }
    },
  };
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
