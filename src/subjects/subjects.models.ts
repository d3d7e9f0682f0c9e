import type { Applicant } from '../documents/document-types.js';
import { isMaskedIdNumber, normalizeIdNumber, validateIdNumber } from '../text/id-number.js';
import { normalizeName } from '../text/names.js';

/**
 * What a subject id may be: it names a path segment (`/v1/subjects/{subjectId}`), so it holds
 * only characters that need no escaping, and never only dots, which URL normalisation removes
 * (a subject `..` could be uploaded for but never listed or erased).
 */
export const SUBJECT_ID_PATTERN = /^(?!\.+$)[A-Za-z0-9._:@-]{1,128}$/;
export const SUBJECT_ID_RULE = 'subjectId is 1–128 of A-Z a-z 0-9 . _ : @ -, and not only dots';

/** The person a subject's documents must belong to: both parts, normalised (contract formats). */
export interface SubjectIdentity {
  name: string;
  idNumber: string;
}

export interface Subject {
  id: string;
  ownerKeyId: string;
  identity: SubjectIdentity | null;
  identityRegisteredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type IdentityProblem = { path: 'name' | 'idNumber'; message: string };

/**
 * An identity as a client gives it: the name in the contract's format, the ID number upper-case,
 * complete (no `*`) and structurally valid (check digit, birth date, province, src/text/id-number.ts).
 * A masked or invalid number would bind documents to nobody in particular.
 */
export function parseIdentity(
  input: { name: string; idNumber: string },
  today: Date,
): { identity: SubjectIdentity } | { problems: IdentityProblem[] } {
  const problems: IdentityProblem[] = [];
  const name = normalizeName(input.name);
  if (!name) problems.push({ path: 'name', message: 'the name is empty' });
  const idNumber = normalizeIdNumber(input.idNumber.trim());
  if (idNumber === null) {
    problems.push({ path: 'idNumber', message: 'an ID number is 17 digits and a digit or X' });
  } else if (isMaskedIdNumber(idNumber)) {
    problems.push({ path: 'idNumber', message: 'the ID number must be complete, not masked' });
  } else {
    for (const problem of validateIdNumber(idNumber, today)) {
      if (problem.severity === 'hard') problems.push({ path: 'idNumber', message: problem.message });
    }
  }
  return problems.length || idNumber === null ? { problems } : { identity: { name, idNumber } };
}

const sameName = (a: string, b: string) => normalizeName(a) === normalizeName(b);
const sameIdNumber = (a: string, b: string) => {
  const normalized = normalizeIdNumber(a);
  return normalized !== null && normalized === normalizeIdNumber(b);
};

export function sameIdentity(a: SubjectIdentity, b: SubjectIdentity): boolean {
  return sameName(a.name, b.name) && sameIdNumber(a.idNumber, b.idNumber);
}

/** Whether every part the applicant gives (a batch line may give only a name) is the identity's. */
export function agreesWithIdentity(applicant: Applicant, identity: SubjectIdentity): boolean {
  if (applicant.name && !sameName(applicant.name, identity.name)) return false;
  if (applicant.idNumber && !sameIdNumber(applicant.idNumber, identity.idNumber)) return false;
  return true;
}

/**
 * Whether a verification was checked against this identity: the applicant it was read with is the
 * subject's identity, both parts. Rows read with no applicant, half of one, or another person's
 * (older rows, before identities) are not.
 */
export function isBoundTo(applicant: Applicant | null, identity: SubjectIdentity | null): boolean {
  if (!applicant?.name || !applicant.idNumber || !identity) return false;
  return sameIdentity({ name: applicant.name, idNumber: applicant.idNumber }, identity);
}

/** A client sees only the subjects it created; every other role sees all of them. */
export function canSeeSubject(
  key: { id: string; role: string },
  subject: Subject | null,
): subject is Subject {
  return subject !== null && (key.role !== 'client' || subject.ownerKeyId === key.id);
}
