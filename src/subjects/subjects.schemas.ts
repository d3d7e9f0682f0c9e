import { z } from '@hono/zod-openapi';
import { SUBJECT_ID_PATTERN, SUBJECT_ID_RULE } from './subjects.models.js';

export const SubjectIdSchema = z
  .string()
  .trim()
  .regex(SUBJECT_ID_PATTERN, SUBJECT_ID_RULE)
  .openapi({ description: SUBJECT_ID_RULE, example: 'u-123' });

export const SubjectParamSchema = z.object({
  subjectId: SubjectIdSchema.openapi({ param: { name: 'subjectId', in: 'path' } }),
});
