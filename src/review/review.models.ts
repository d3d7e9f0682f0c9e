import crypto from 'node:crypto';
import type { DocumentModules } from '../documents/document-module.js';
import type { Fields, FieldValue } from '../documents/document-types.js';
import type { Verdict } from '../verdicts/decide.js';
import { FIELD_VALIDATION_CODES, type Reason, URGENT_CODES } from '../verdicts/reasons.js';

export { VERDICTS } from '../verdicts/decide.js';

/** Labels in Chinese and English, for the pages. */
export const VERDICT_LABELS: Record<Verdict, string> = {
  verified: '通过 verified',
  rejected: '拒绝 rejected',
  needs_review: '待复核 needs review',
  needs_retake: '需重拍 needs retake',
};

/**
 * Per document type, its short name in Chinese and English as each module gives it, in registry
 * order, then `unknown`. The registry is passed in: this file is also part of the edge Worker,
 * which reads no documents.
 */
export function documentTypeLabels(modules: DocumentModules): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [type, { names }] of Object.entries(modules)) {
    const { zh, en } = names.short ?? names;
    labels[type] = `${zh} ${en}`;
  }
  return { ...labels, unknown: '未知 unknown' };
}

export const FIELD_LABELS_ZH: Record<string, string> = {
  name: '姓名',
  idNumber: '证件号码',
  gender: '性别',
  birthDate: '出生日期',
  school: '学校',
  major: '专业',
  educationLevel: '学历层次',
  enrollmentDate: '入学日期',
  graduationDate: '毕业日期',
  certificateNumber: '证书编号',
  durationYears: '学制',
  issueDate: '发证日期',
  studyType: '学习形式',
  studyForm: '学习形式',
  educationCategory: '学历类别',
  level: '级别',
  totalScore: '总分',
  listeningScore: '听力',
  readingScore: '阅读',
  writingTranslationScore: '写作和翻译',
  examDate: '考试时间',
  admissionTicketNumber: '准考证号',
  reportNumber: '成绩报告单编号',
  degree: '学位',
  degreeDate: '授予日期',
  verificationCode: '在线验证码',
  updatedDate: '更新日期',
};

/** The session cookie's id and CSRF tokens: 256 random bits, URL-safe. */
export function randomToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string | Buffer): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

/** Constant-time comparison of two tokens (false when either is missing). */
export function tokensEqual(a: string | undefined | null, b: string | undefined | null): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The optimistic-locking token of a verification: its updatedAt in milliseconds. */
export const versionOf = (updatedAt: Date): string => String(updatedAt.getTime());

export function parseVersion(token: string | undefined | null): Date | null {
  if (!token || !/^\d{1,15}$/.test(token)) return null;
  return new Date(Number(token));
}

/**
 * The quality-check sample: one verified case in `oneIn`, chosen by a hash of its id, so the same
 * case is always in or out and nobody can steer which ones are looked at.
 */
export function isQualitySample(verificationId: string, oneIn: number): boolean {
  if (oneIn <= 1) return true;
  const digest = crypto.createHash('sha256').update(verificationId).digest();
  return digest.readUInt32BE(0) % oneIn === 0;
}

export interface QueueRow {
  id: string;
  subjectId: string;
  documentType: string;
  verdict: Verdict;
  confidence: number | null;
  reasons: Reason[];
  completedAt: Date;
  updatedAt: Date;
  /** A correction to this case waiting for a second reviewer (review-approvals.table.ts). */
  awaitingApproval: { approvalId: string; proposedVerdict: Verdict; proposedByKeyId: string } | null;
}

export interface QueueItem extends QueueRow {
  /** 2 = hard reason or fraud signal, 1 = needs review, 0 = quality-check sample of a verified case. */
  priority: number;
  qualityCheck: boolean;
  ageMs: number;
}

export function priorityOf(row: Pick<QueueRow, 'verdict' | 'reasons'>): number {
  if (row.verdict !== 'needs_review') return 0;
  return row.reasons.some((r) => r.severity === 'hard' || URGENT_CODES.has(r.code)) ? 2 : 1;
}

export interface QueueFilters {
  /** `approval`: only cases with a correction awaiting a second reviewer. */
  pending?: 'approval' | undefined;
  documentType?: string | undefined;
  reasonCode?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/**
 * The review queue: needs_review cases plus the unreviewed quality-check sample of verified ones,
 * highest priority first, then oldest first (then id, so the order is total).
 */
export function buildQueue(
  rows: readonly QueueRow[],
  input: { reviewedIds: ReadonlySet<string>; qcSampleOneIn: number; filters: QueueFilters; now: Date },
): QueueItem[] {
  const { filters } = input;
  return rows
    .filter((row) => {
      if (row.awaitingApproval) return true;
      if (filters.pending === 'approval') return false;
      if (row.verdict === 'needs_review') return true;
      return (
        row.verdict === 'verified' &&
        !input.reviewedIds.has(row.id) &&
        isQualitySample(row.id, input.qcSampleOneIn)
      );
    })
    .filter((row) => !filters.documentType || row.documentType === filters.documentType)
    .filter((row) => !filters.reasonCode || row.reasons.some((r) => r.code === filters.reasonCode))
    .filter((row) => !filters.from || row.completedAt >= filters.from)
    .filter((row) => !filters.to || row.completedAt < filters.to)
    .map((row) => ({
      ...row,
      // every awaiting approval overrides a HARD reason: as urgent as the most urgent case
      priority: row.awaitingApproval ? 2 : priorityOf(row),
      qualityCheck: row.verdict === 'verified' && !row.awaitingApproval,
      ageMs: Math.max(0, input.now.getTime() - row.completedAt.getTime()),
    }))
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        a.completedAt.getTime() - b.completedAt.getTime() ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

export interface ReviewRecord {
  verificationId: string;
  documentType: string;
  machineVerdict: string;
  reviewerVerdict: string;
  changedFields: string[];
  createdAt: Date;
}

export interface ReviewMetrics {
  queueSize: number;
  oldestCaseAgeSeconds: number | null;
  reviewedCases: number;
  /** Share of reviewed cases (first review of each) where the reviewer kept the machine's verdict. */
  agreement: number | null;
  /** `<documentType>.<field>` → corrections, most corrected first: the weakest extractors. */
  correctionsPerField: { documentType: string; field: string; corrections: number }[];
}

export function computeMetrics(queue: readonly QueueItem[], reviews: readonly ReviewRecord[]): ReviewMetrics {
  const firstReviews = new Map<string, ReviewRecord>();
  for (const review of [...reviews].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    if (!firstReviews.has(review.verificationId)) firstReviews.set(review.verificationId, review);
  }
  const first = [...firstReviews.values()];
  const agreed = first.filter((r) => r.machineVerdict === r.reviewerVerdict).length;
  const counts = new Map<string, { documentType: string; field: string; corrections: number }>();
  for (const review of reviews) {
    for (const field of review.changedFields) {
      const key = `${review.documentType}.${field}`;
      const entry = counts.get(key) ?? { documentType: review.documentType, field, corrections: 0 };
      entry.corrections += 1;
      counts.set(key, entry);
    }
  }
  const oldest = queue.reduce<number | null>(
    (max, item) => (max === null || item.ageMs > max ? item.ageMs : max),
    null,
  );
  return {
    queueSize: queue.length,
    oldestCaseAgeSeconds: oldest === null ? null : Math.round(oldest / 1000),
    reviewedCases: first.length,
    agreement: first.length === 0 ? null : Math.round((agreed / first.length) * 1000) / 1000,
    correctionsPerField: [...counts.values()].sort(
      (a, b) =>
        b.corrections - a.corrections ||
        `${a.documentType}.${a.field}`.localeCompare(`${b.documentType}.${b.field}`),
    ),
  };
}

/**
 * Reasons that come from outside the fields (photo quality, classification, duplicates, tampering,
 * instructions, model availability) survive a correction; field reasons are replaced by the
 * re-validation's.
 */
export function mergeRevalidatedReasons(
  previous: readonly Reason[],
  revalidated: readonly Reason[],
): Reason[] {
  const kept = previous.filter((r) => !FIELD_VALIDATION_CODES.has(r.code));
  const seen = new Set<string>();
  const merged: Reason[] = [];
  for (const r of [...kept, ...revalidated]) {
    const key = `${r.code}|${r.field ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(r);
  }
  return merged;
}

/**
 * A form value to a field value of the schema's type: empty is null; a value the schema accepts as
 * a number (scores, years) becomes one; anything else stays the text typed (validation judges it).
 */
export function parseFieldValue(
  raw: string,
  accepts: (value: FieldValue) => boolean,
  previous: FieldValue | undefined,
): FieldValue {
  const text = raw.trim();
  if (text === '') return null;
  if (typeof previous === 'number' || (!accepts(text) && accepts(Number(text)))) {
    const n = Number(text);
    if (text !== '' && Number.isFinite(n)) return n;
  }
  if (typeof previous === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** Fields whose new value differs from the current one. */
export function changedFieldValues(current: Fields, next: Fields): Fields {
  const changed: Fields = {};
  for (const [name, value] of Object.entries(next)) {
    if ((current[name] ?? null) !== value) changed[name] = value;
  }
  return changed;
}
