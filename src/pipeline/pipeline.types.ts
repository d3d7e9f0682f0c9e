import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type {
  Applicant,
  DocumentType,
  FieldEvidence,
  Fields,
  SupportedDocumentType,
} from '../documents/document-types.js';
import type { PdfReader } from '../imaging/pdf-reader.js';
import type { LlmAssist } from '../llm/assist.js';
import type { Metrics } from '../observability/metrics.js';
import type { Clock } from '../platform/clock.js';
import type { Verdict } from '../verdicts/decide.js';
import type { Reason } from '../verdicts/reasons.js';

export interface PipelineInput {
  verificationId: string;
  subjectId: string;
  bytes: Buffer;
  mime: string;
  sha256: string;
  applicant: Applicant | null;
  documentTypeHint: SupportedDocumentType | null;
}

/** What the pipeline decided about one document; stored as the verification's outcome. */
export interface PipelineOutcome {
  documentType: DocumentType;
  fields: Fields;
  evidence: Record<string, FieldEvidence>;
  verdict: Verdict;
  confidence: number;
  reasons: Reason[];
  versions: Record<string, string>;
  timingsMs: Record<string, number>;
  perceptualHash: string | null;
  /** The document's own identifier, `<type>:<number>`, for the cross-subject duplicate check. */
  documentKey: string | null;
}

/** The whole document pipeline: bytes in, a decided outcome out. */
export interface Pipeline {
  process(input: PipelineInput): Promise<PipelineOutcome>;
  close(): Promise<void>;
}

/**
 * The documents seen before, as the duplicate stage asks about them (duplicates.ts). The pipeline
 * only reads through this port; services.ts gives it the verifications repository.
 */
export interface SeenBefore {
  /** Other verifications holding the same file or the same document identifier. */
  findCopies(input: {
    excludeId: string;
    fileSha256: string;
    documentKey: string | null;
  }): Promise<{ subjectId: string; sameFile: boolean }[]>;
  /** Perceptual hashes of the other completed documents, for near-duplicate photos. */
  listPerceptualHashes(excludeId: string): Promise<{ subjectId: string; hash: string }[]>;
}

export interface PipelineDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  seenBefore: SeenBefore;
  metrics: Metrics;
  /** Reads PDFs in worker threads with memory and time limits; built once in services.ts. */
  pdf: PdfReader;
  /** The LLM assist (client and prompts), built once in services.ts; absent when LLM_MODE=off. */
  llm?: LlmAssist | null;
}
