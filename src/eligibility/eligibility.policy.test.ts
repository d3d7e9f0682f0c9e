import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { buildServices } from '../services.js';
import { loadPolicyFile, type Policy, parsePolicy } from './eligibility.policy.js';

const shipped = new URL('../../policies/limit-raise.v1.json', import.meta.url).pathname;
const valid = (): Policy => JSON.parse(fs.readFileSync(shipped, 'utf8'));

describe('eligibility policy file', () => {
  it('the shipped policy is valid', () => {
    const policy = loadPolicyFile(shipped);
    expect(policy.policyVersion).toBe('limit-raise.v1');
    expect(policy.signals.newGraduate.tierByEducationLevel.本科).toBe('t3');
  });

  it.each([
    [
      'an unknown tier',
      (p: Policy) => Object.assign(p.signals.cet.rules[0] ?? {}, { tier: 'gold' }),
      'signals.cet.rules.0.tier: unknown tier "gold"',
    ],
    [
      'a better tier paying less',
      (p: Policy) => Object.assign(p.tiers[4] ?? {}, { suggestedIncrease: 10 }),
      'a better tier never pays less',
    ],
    ['a missing version', (p: Policy) => Reflect.deleteProperty(p, 'policyVersion'), 'policyVersion'],
    ['an unknown key', (p: Policy) => Object.assign(p, { bonus: 1 }), 'bonus'],
    [
      'an unknown education level',
      (p: Policy) => Object.assign(p.signals.newGraduate.tierByEducationLevel, { 小学: 't1' }),
      'tierByEducationLevel',
    ],
  ])('rejects %s with a message naming the path', (_, mutate, message) => {
    const policy = valid();
    mutate(policy);
    expect(() => parsePolicy(policy, 'test.json')).toThrow(ConfigError);
    expect(() => parsePolicy(policy, 'test.json')).toThrow(message);
  });

  it('a bad policy file stops the service from starting, with a clear message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-policy-'));
    try {
      const file = path.join(dir, 'policy.json');
      fs.writeFileSync(file, '{"policyVersion": ');
      const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ELIGIBILITY_POLICY_FILE: file });
      await expect(buildServices(config)).rejects.toThrow(/eligibility policy .*policy\.json is not JSON/);
      fs.writeFileSync(file, JSON.stringify({ ...valid(), currency: 'yuan' }));
      await expect(buildServices(config)).rejects.toThrow(/currency: an ISO 4217 code/);
      await expect(
        buildServices(loadConfig({ DATA_DIR: dir, ELIGIBILITY_POLICY_FILE: path.join(dir, 'nope.json') })),
      ).rejects.toThrow(/Cannot read the eligibility policy/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
