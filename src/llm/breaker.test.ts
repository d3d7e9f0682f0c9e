import { describe, expect, it } from 'vitest';
import { type BreakerState, createCircuitBreaker } from './breaker.js';

function breakerWith(failures: number) {
  const now = { value: new Date('2026-03-01T10:00:00Z') };
  const changes: BreakerState[] = [];
  const breaker = createCircuitBreaker({
    failures,
    cooldownMs: 60_000,
    clock: { now: () => now.value },
    onChange: (state) => changes.push(state),
  });
  const advance = (ms: number) => {
    now.value = new Date(now.value.getTime() + ms);
  };
  return { breaker, changes, advance };
}

describe('createCircuitBreaker', () => {
  it('opens after N consecutive failures; a success in between starts the count again', () => {
    const { breaker, changes } = breakerWith(3);
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.allowCall()).toBe(true);
    breaker.failed();
    expect(breaker.state).toBe('open');
    expect(breaker.allowCall()).toBe(false);
    expect(changes).toEqual(['open']);
  });

  it('lets one trial call through after the cool-down, and closes when it succeeds', () => {
    const { breaker, changes, advance } = breakerWith(1);
    breaker.failed();
    advance(59_999);
    expect(breaker.allowCall()).toBe(false);
    advance(1);
    expect(breaker.allowCall()).toBe(true);
    expect(breaker.state).toBe('half_open');
    // The trial is in flight: every other call is refused meanwhile.
    expect(breaker.allowCall()).toBe(false);
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
    expect(breaker.allowCall()).toBe(true);
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('opens again for a whole cool-down when the trial call fails', () => {
    const { breaker, advance } = breakerWith(2);
    breaker.failed();
    breaker.failed();
    advance(60_000);
    expect(breaker.allowCall()).toBe(true);
    breaker.failed();
    expect(breaker.state).toBe('open');
    advance(30_000);
    expect(breaker.allowCall()).toBe(false);
    advance(30_000);
    expect(breaker.allowCall()).toBe(true);
  });

  it('never opens with failures = 0', () => {
    const { breaker } = breakerWith(0);
    for (let i = 0; i < 100; i++) breaker.failed();
    expect(breaker.state).toBe('closed');
    expect(breaker.allowCall()).toBe(true);
  });
});
