import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Applicant, SupportedDocumentType } from '../documents/document-types.js';
import type { PdfReader } from '../imaging/pdf-reader.js';
import type { LlmAssist } from '../llm/assist.js';
import type { Metrics } from '../observability/metrics.js';
import type { Clock } from '../platform/clock.js';
import type { VerificationOutcome } from '../verifications/verifications.models.js';
import type { VerificationsRepository } from '../verifications/verifications.repository.js';

export interface PipelineInput {
  verificationId: string;
  subjectId: string;
  bytes: Buffer;
  mime: string;
  sha256: string;
  applicant: Applicant | null;
  documentTypeHint: SupportedDocumentType | null;
}

/** The whole document pipeline: bytes in, a decided outcome out. */
export interface Pipeline {
  process(input: PipelineInput): Promise<VerificationOutcome>;
  close(): Promise<void>;
}

export interface PipelineDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  verifications: VerificationsRepository;
  metrics: Metrics;
  /** Reads PDFs in worker threads with memory and time limits; built once in services.ts. */
  pdf: PdfReader;
  /** The LLM assist (client and prompts), built once in services.ts; absent when LLM_MODE=off. */
  llm?: LlmAssist | null;
}
