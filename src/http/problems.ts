/** The stable error codes of the API: clients switch on `code`, never on `detail`. */
export const PROBLEM_CODES = {
  UNAUTHORIZED: { status: 401, title: 'Missing or invalid API key' },
  FORBIDDEN: { status: 403, title: 'This key may not do that' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  VALIDATION_FAILED: { status: 400, title: 'The request is invalid' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Send multipart/form-data' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The upload is too large' },
  FILE_EMPTY: { status: 400, title: 'The file is empty' },
  FILE_TYPE_UNSUPPORTED: { status: 415, title: 'The file is not a supported image or PDF' },
  IMAGE_UNDECODABLE: { status: 422, title: 'The image cannot be decoded' },
  IMAGE_TOO_LARGE: { status: 413, title: 'The image has too many pixels' },
  PDF_INVALID: { status: 422, title: 'The PDF cannot be read' },
  PDF_ENCRYPTED: { status: 422, title: 'The PDF is encrypted' },
  PDF_TOO_MANY_PAGES: { status: 422, title: 'The PDF has too many pages' },
  ALREADY_REVOKED: { status: 409, title: 'The verification is already revoked' },
  VERSION_CONFLICT: { status: 409, title: 'Changed by someone else since you loaded it' },
  FIXTURE_EXISTS: { status: 409, title: 'A fixture case with this id exists' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'This Idempotency-Key was used for a different request' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  OVERLOADED: { status: 503, title: 'The service is busy; retry shortly' },
  INTERNAL: { status: 500, title: 'Internal error' },
  SELF_APPROVAL_FORBIDDEN: { status: 403, title: 'A second reviewer must approve this, not its proposer' },
  APPROVAL_NOT_PENDING: { status: 409, title: 'The proposal was already decided or replaced' },
  VERIFICATION_ERASED: {
    status: 410,
    title: "The subject's personal data was erased; the verification is closed",
  },
  SUBJECT_IDENTITY_CONFLICT: { status: 409, title: "The subject's registered identity is another one" },
  API_KEY_INACTIVE: { status: 409, title: 'The API key is revoked or expired' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

/** An expected failure with a stable code; anything else becomes INTERNAL without its message. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly extra: { errors?: ProblemDetails['errors']; retryAfterSeconds?: number } = {},
  ) {
    super(detail ?? PROBLEM_CODES[code].title);
  }
}

export function problemBody(code: ProblemCode, detail: string | undefined, requestId: string | undefined) {
  const { status, title } = PROBLEM_CODES[code];
  const body: ProblemDetails = {
    type: `https://docverify.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code,
  };
  if (detail) body.detail = detail;
  if (requestId) body.requestId = requestId;
  return body;
}
