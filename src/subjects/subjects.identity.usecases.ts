import type { Actor } from '../audit/audit.models.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { Applicant } from '../documents/document-types.js';
import { ProblemError } from '../http/problems.js';
import type { Clock } from '../platform/clock.js';
import type { VerificationsRepository } from '../verifications/verifications.repository.js';
import {
  agreesWithIdentity,
  parseIdentity,
  type Subject,
  type SubjectIdentity,
  sameIdentity,
} from './subjects.models.js';
import type { SubjectsRepository } from './subjects.repository.js';

/** A subject another key created looks exactly like one that does not exist. */
const notFound = (subjectId: string) => new ProblemError('NOT_FOUND', `No subject ${subjectId}.`);

const conflict = (detail: string) => new ProblemError('SUBJECT_IDENTITY_CONFLICT', detail);

/**
 * A given identity, checked: 400 naming the request's own fields when it is not a complete, valid
 * one (src/text/id-number.ts). `fields` maps the identity's parts to the caller's field names.
 */
export function identityOrThrow(
  given: { name: string; idNumber: string },
  today: Date,
  fields: { name: string; idNumber: string } = { name: 'name', idNumber: 'idNumber' },
): SubjectIdentity {
  const parsed = parseIdentity(given, today);
  if ('identity' in parsed) return parsed.identity;
  const errors = parsed.problems.map((p) => ({ path: fields[p.path], message: p.message }));
  throw new ProblemError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
    errors,
  });
}

/** A complete identity (name and ID number) among what an upload gives, or null. */
export function completeIdentity(applicant: Applicant | null): { name: string; idNumber: string } | null {
  return applicant?.name && applicant.idNumber
    ? { name: applicant.name, idNumber: applicant.idNumber }
    : null;
}

/**
 * Whether `clientKeyId` may upload for the subject with this applicant: 404 for another key's
 * subject, 409 SUBJECT_IDENTITY_CONFLICT when the applicant is not the registered identity.
 */
export function assertMayUpload(
  subject: Subject,
  input: { subjectId: string; clientKeyId: string; applicant: Applicant | null },
) {
  if (subject.ownerKeyId !== input.clientKeyId) throw notFound(input.subjectId);
  if (subject.identity && input.applicant && !agreesWithIdentity(input.applicant, subject.identity)) {
    throw conflict(
      `Subject ${input.subjectId} has another registered identity than the applicant given: upload without an applicant, or for the right subject.`,
    );
  }
}

/**
 * In the caller's transaction (see SubjectsRepository.claim): the subject an upload writes to,
 * created for the uploading key when new, and the applicant the document is to be read with:
 * - another key's subject → 404, before anything about it is read or counted;
 * - a registered identity → that identity; an upload that gives a different one → 409
 *   SUBJECT_IDENTITY_CONFLICT (it would bind this document to another person than the others);
 * - no registered identity and a complete one given → it is registered, then used;
 * - otherwise what was given (nothing, or a batch line's name alone): no identity is known, and the
 *   pipeline never verifies the document (APPLICANT_UNKNOWN).
 */
export async function claimSubjectForUpload(
  deps: { subjects: SubjectsRepository; audit: AuditRepository },
  input: { subjectId: string; clientKeyId: string; applicant: Applicant | null; actor: Actor; now: Date },
): Promise<{ subject: Subject; applicant: Applicant | null }> {
  const subject = await deps.subjects.claim(input.subjectId, input.clientKeyId, input.now);
  assertMayUpload(subject, input);
  if (subject.identity) return { subject, applicant: subject.identity };
  const given = completeIdentity(input.applicant);
  if (!given) return { subject, applicant: input.applicant };
  const identity = identityOrThrow(given, input.now, {
    name: 'applicantName',
    idNumber: 'applicantIdNumber',
  });
  await deps.subjects.registerIdentity(input.subjectId, identity, input.now);
  await auditRegistration(deps, {
    subjectId: input.subjectId,
    actor: input.actor,
    replaced: false,
    via: 'upload',
  });
  return { subject: { ...subject, identity, identityRegisteredAt: input.now }, applicant: identity };
}

/**
 * `PUT /v1/subjects/{subjectId}/identity`: registers the identity the subject's documents are bound
 * to, creating the subject for the calling key when new. The same identity again changes nothing;
 * another one replaces it only while the subject has no documents, since documents already read
 * with the first one would otherwise stand for someone else (409 SUBJECT_IDENTITY_CONFLICT).
 */
export async function registerSubjectIdentity(
  deps: {
    subjects: SubjectsRepository;
    verifications: VerificationsRepository;
    audit: AuditRepository;
    transaction: <T>(fn: () => Promise<T>) => Promise<T>;
    clock: Clock;
  },
  input: {
    subjectId: string;
    clientKeyId: string;
    identity: { name: string; idNumber: string };
    actor: Actor;
  },
): Promise<Subject> {
  const now = deps.clock.now();
  const identity = identityOrThrow(input.identity, now);
  return deps.transaction(async () => {
    const subject = await deps.subjects.claim(input.subjectId, input.clientKeyId, now);
    if (subject.ownerKeyId !== input.clientKeyId) throw notFound(input.subjectId);
    if (subject.identity && sameIdentity(subject.identity, identity)) return subject;
    if (
      subject.identity &&
      (await deps.verifications.countBySubjectSince(input.subjectId, new Date(0))) > 0
    ) {
      throw conflict(
        `Subject ${input.subjectId} has documents read with its registered identity: it cannot be bound to another person.`,
      );
    }
    await deps.subjects.registerIdentity(input.subjectId, identity, now);
    await auditRegistration(deps, {
      subjectId: input.subjectId,
      actor: input.actor,
      replaced: subject.identity !== null,
      via: 'identity',
    });
    return { ...subject, identity, identityRegisteredAt: now, updatedAt: now };
  });
}

/** The audit record of a registration: who and how, never the name or the number. */
function auditRegistration(
  deps: { audit: AuditRepository },
  input: { subjectId: string; actor: Actor; replaced: boolean; via: 'upload' | 'identity' },
) {
  return deps.audit.append({
    entityType: 'subject',
    entityId: input.subjectId,
    subjectId: input.subjectId,
    action: 'subject.identity_registered',
    actor: input.actor,
    before: null,
    after: { replaced: input.replaced, via: input.via },
  });
}
