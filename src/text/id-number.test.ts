import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explainIdDifference,
  idCheckCharacter,
  idNumberFacts,
  matchIdNumbers,
  normalizeIdNumber,
  normalizePrintedIdNumber,
  validateIdNumber,
} from './id-number.js';

const today = new Date('2026-11-15T00:00:00Z');

describe('idCheckCharacter (ISO 7064 MOD 11-2, docs/formats.md §5.2)', () => {
  it.each([
    ['11010519491231002', 'X'],
    ['44052418800101001', '4'],
    ['41032619950710319', '7'],
    ['36042619910101007', '1'],
  ])('%s → %s', (first17, check) => expect(idCheckCharacter(first17)).toBe(check));
});

describe('normalizeIdNumber', () => {
  it.each([
    ['11010519491231002x', '11010519491231002X'],
    ['１１０１０５１９４９１２３１００２Ｘ', '11010519491231002X'],
    ['110105 1949 1231 002X', '11010519491231002X'],
    ['11O1O519491231OO2X', '11010519491231002X'],
    ['110105********002X', '110105********002X'],
    ['110105＊＊＊＊＊＊＊＊002X', '110105********002X'],
    ['**************1234', '**************1234'],
  ])('%s → %s', (raw, normalized) => expect(normalizeIdNumber(raw)).toBe(normalized));

  it('refuses wrong lengths and letters other than the final X', () => {
    expect(normalizeIdNumber('11010519491231002')).toBeNull();
    expect(normalizeIdNumber('1101051949123100XX')).toBeNull();
    expect(normalizeIdNumber('11010519491231002A')).toBeNull();
  });
});

describe('validateIdNumber (§5.3)', () => {
  it('accepts the GB 11643-1999 appendix example and the research self-checks', () => {
    for (const id of ['11010519491231002X', '410326199507103197', '360426199101010071']) {
      expect(validateIdNumber(id, today)).toEqual([]);
    }
    // 1880 passes the check digit but not I3 (birth dates from 1900 on).
    expect(validateIdNumber('440524188001010014', today)).toMatchObject([{ rule: 'I3', severity: 'hard' }]);
  });

  it('I2: rejects a wrong check digit', () => {
    expect(validateIdNumber('110105194912310021', today)).toMatchObject([{ rule: 'I2', severity: 'hard' }]);
  });

  it('I3: rejects an impossible or future birth date', () => {
    const impossible = `11010519490230002`;
    expect(validateIdNumber(`${impossible}${idCheckCharacter(impossible)}`, today)).toMatchObject([
      { rule: 'I3', severity: 'hard' },
    ]);
    const future = `11010520300101002`;
    expect(validateIdNumber(`${future}${idCheckCharacter(future)}`, today)).toMatchObject([
      { rule: 'I3', severity: 'hard' },
    ]);
  });

  it('I5: hard for an impossible prefix, soft for special or unlisted ones', () => {
    const impossible = '09010519491231002';
    expect(validateIdNumber(`${impossible}${idCheckCharacter(impossible)}`, today)).toMatchObject([
      { rule: 'I5', severity: 'hard' },
    ]);
    const hongKong = '81000019991231002';
    expect(validateIdNumber(`${hongKong}${idCheckCharacter(hongKong)}`, today)).toMatchObject([
      { rule: 'I5', severity: 'soft' },
    ]);
    const unlisted = '16010519491231002';
    expect(validateIdNumber(`${unlisted}${idCheckCharacter(unlisted)}`, today)).toMatchObject([
      { rule: 'I5', severity: 'soft' },
    ]);
  });

  it('checks only what a masked number reveals', () => {
    expect(validateIdNumber('110105********002X', today)).toEqual([]);
    expect(validateIdNumber('**************1234', today)).toEqual([]);
    expect(validateIdNumber('11010519491331****', today)).toMatchObject([{ rule: 'I3' }]);
  });

  it('I1: rejects malformed numbers', () => {
    expect(validateIdNumber('1101051949123100', today)).toMatchObject([{ rule: 'I1', severity: 'hard' }]);
  });
});

describe('idNumberFacts', () => {
  it('reads birth date and gender', () => {
    expect(idNumberFacts('11010519491231002X')).toEqual({ birthDate: '1949-12-31', gender: '女' });
    expect(idNumberFacts('410326199507103197')).toEqual({ birthDate: '1995-07-10', gender: '男' });
    expect(idNumberFacts('110105********002X')).toEqual({ birthDate: null, gender: '女' });
  });
});

describe('matchIdNumbers (§5.4)', () => {
  it.each([
    ['11010519491231002X', '11010519491231002X', 'match'],
    ['110105********002X', '11010519491231002X', 'partial'],
    ['**************002X', '11010519491231002X', 'partial'],
    ['110***********002X', '11010519491231002X', 'partial'],
    ['11010519491231002*', '11010519491231002X', 'insufficient'],
    ['***************02X', '11010519491231002X', 'insufficient'],
    ['110105********003X', '11010519491231002X', 'mismatch'],
    ['410326199507103197', '11010519491231002X', 'mismatch'],
  ])('%s vs %s → %s', (doc, applicant, outcome) => {
    expect(matchIdNumbers(doc, applicant).outcome).toBe(outcome);
  });
});

describe('explainIdDifference: a misread digit or another person', () => {
  const ID = '11010519491231002X';
  it.each([
    // 9 read for 8 in the birth year: the check digit fails, no one's number
    ['11010519481231002X', 'misread'],
    // a valid number of someone born in 1948, read clearly (2 for X is no look-alike)
    ['110105194812310022', 'different'],
    // another region and birth date, valid
    ['410326199507103197', 'different'],
    // masked: one revealed digit, a look-alike (3 for 8), or not (4 for 8)
    ['110105********0039', 'misread', '110105194912310089'],
    ['110105********0049', 'different', '110105194912310089'],
  ])('%s → %s', (documentId, kind, applicantId = ID) => {
    expect(explainIdDifference(documentId, applicantId).kind).toBe(kind);
  });

  it('takes a clearly read different digit for a misread when the recogniser doubted it', () => {
    const characters = [...'110105194812310022'].map((char, i) => ({
      char,
      confidence: i === 17 ? 0.95 : 0.99,
      candidates: i === 17 ? [{ char: 'X', confidence: 0.04 }] : [],
    }));
    expect(explainIdDifference('110105194812310022', ID, { confidence: 0.95, characters })).toMatchObject({
      kind: 'misread',
      misreads: [
        { position: 9, read: '8', expected: '9', cause: 'look-alike' },
        { position: 17, read: '2', expected: 'X', cause: 'candidate' },
      ],
    });
  });

  it('calls any one misread digit of a full number a misread: its check digit fails', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-6][1-9]\d{15}$/),
        fc.nat(16),
        fc.nat(8),
        (first17, position, shift) => {
          const id = `${first17}${idCheckCharacter(first17)}`;
          const digit = String((Number(id[position]) + shift + 1) % 10);
          const misread = `${id.slice(0, position)}${digit}${id.slice(position + 1)}`;
          expect(explainIdDifference(misread, id)).toMatchObject({ kind: 'misread', checkDigitFails: true });
        },
      ),
    );
  });
});

const validIdNumber = fc
  .record({
    province: fc.constantFrom('11', '31', '32', '34', '37', '44', '50', '65'),
    county: fc.stringMatching(/^\d{4}$/),
    birth: fc.date({
      min: new Date('1950-01-01T00:00:00Z'),
      max: new Date('2010-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    sequence: fc.stringMatching(/^\d{3}$/),
  })
  .map(({ province, county, birth, sequence }) => {
    const first17 = `${province}${county}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${sequence}`;
    return `${first17}${idCheckCharacter(first17)}`;
  });

describe('ID number properties', () => {
  it('every generated valid ID passes', () => {
    fc.assert(
      fc.property(validIdNumber, (id) => {
        expect(validateIdNumber(id, today)).toEqual([]);
      }),
    );
  });

  it('any single-digit change fails the check digit (MOD 11-2 detects all single substitutions)', () => {
    fc.assert(
      fc.property(
        validIdNumber,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (id, position, delta) => {
          const changed = (Number(id[position]) + delta) % 10;
          const altered = `${id.slice(0, position)}${changed}${id.slice(position + 1)}`;
          expect(validateIdNumber(altered, today).some((p) => p.rule === 'I2')).toBe(true);
        },
      ),
    );
  });

  it('any single check-character change fails', () => {
    fc.assert(
      fc.property(validIdNumber, fc.constantFrom(...'0123456789X'), (id, check) => {
        fc.pre(check !== id[17]);
        expect(validateIdNumber(`${id.slice(0, 17)}${check}`, today).some((p) => p.rule === 'I2')).toBe(true);
      }),
    );
  });

  it('a masked copy of an ID corroborates it, never contradicts it', () => {
    fc.assert(
      fc.property(validIdNumber, (id) => {
        const masked = `${id.slice(0, 6)}********${id.slice(14)}`;
        expect(matchIdNumbers(masked, id).outcome).toBe('partial');
        expect(normalizeIdNumber(masked)).toBe(masked);
      }),
    );
  });
});

describe('normalizePrintedIdNumber (ID numbers as OCR reads them from documents)', () => {
  it.each([
    // Real PP-OCR reading of a CET screenshot: 8 mask characters read as 7.
    ['370102*******273X', '370102********273X'],
    // Real PP-OCR reading of another: 8 read as 5.
    ['310115*****163X', '310115********163X'],
    ['370102*********273X', '370102********273X'],
    ['**********1234', '**************1234'],
    ['110105********002X', '110105********002X'],
    ['510107199511035151', '510107199511035151'],
  ])('%s → %s', (raw, normalized) => expect(normalizePrintedIdNumber(raw)).toBe(normalized));

  it.each([
    // A revealed digit lost (5 + 4 is no masking pattern): never papered over.
    ['37010*******273X'],
    // Two mask runs, or no mask and a digit lost.
    ['3701**02****273X'],
    ['51010719951103515'],
  ])('%s → null', (raw) => expect(normalizePrintedIdNumber(raw)).toBeNull());
});
