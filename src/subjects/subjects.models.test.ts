import { describe, expect, it } from 'vitest';
import { agreesWithIdentity, isBoundTo, parseIdentity, SUBJECT_ID_PATTERN } from './subjects.models.js';

const today = new Date('2026-01-01T00:00:00Z');
const ID = '11010519491231002X';

describe('subject ids', () => {
  it.each(['u-123', 'a', 'a.b', '.a', 'x:y@z_1-2', 'x'.repeat(128)])('accepts %s', (id) => {
    expect(SUBJECT_ID_PATTERN.test(id)).toBe(true);
  });
  it.each(['', '.', '..', '....', 'a/b', 'a b', '%2e', 'é', 'x'.repeat(129)])('refuses %j', (id) => {
    expect(SUBJECT_ID_PATTERN.test(id)).toBe(false);
  });
});

describe('parseIdentity', () => {
  it('normalises a complete, valid identity', () => {
    expect(parseIdentity({ name: ' 阿卜杜•热合曼 ', idNumber: '11010519491231002x' }, today)).toEqual({
      identity: { name: '阿卜杜·热合曼', idNumber: ID },
    });
  });
  it.each([
    ['a wrong check digit', '110105194912310021'],
    ['a masked number', '110105********002X'],
    ['a birth date in the future', '110105209912310026'],
    ['too short', '1101051949123100'],
  ])('refuses %s', (_, idNumber) => {
    expect(parseIdentity({ name: '张伟', idNumber }, today)).toMatchObject({
      problems: expect.arrayContaining([expect.objectContaining({ path: 'idNumber' })]),
    });
  });
});

describe('binding', () => {
  const identity = { name: '张伟', idNumber: ID };
  it('binds only a verification read with both parts of the identity', () => {
    expect(isBoundTo({ name: '张 伟', idNumber: ID.toLowerCase() }, identity)).toBe(true);
    expect(isBoundTo(null, identity)).toBe(false);
    expect(isBoundTo({ name: '张伟' }, identity)).toBe(false);
    expect(isBoundTo({ name: '张伟', idNumber: '110105194912310037' }, identity)).toBe(false);
    expect(isBoundTo({ name: '张伟', idNumber: ID }, null)).toBe(false);
  });
  it('lets an upload give a part of the identity, never another one', () => {
    expect(agreesWithIdentity({ name: '张伟' }, identity)).toBe(true);
    expect(agreesWithIdentity({ name: '李雷' }, identity)).toBe(false);
    expect(agreesWithIdentity({ name: '张伟', idNumber: 'garbage' }, identity)).toBe(false);
  });
});
