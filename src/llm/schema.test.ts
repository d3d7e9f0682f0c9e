import { describe, expect, it } from 'vitest';
import { documentModules } from '../documents/registry.js';
import { classificationReplySchema, extractionReplySchema, strictJsonSchema } from './schema.js';

type Node = { type?: string; anyOf?: Node[]; [key: string]: unknown };

describe('strictJsonSchema', () => {
  it.each(Object.values(documentModules))(
    'makes $type strict: every field required and nullable, nothing extra',
    (module) => {
      const schema = strictJsonSchema(module.schema) as {
        properties: Record<string, Node>;
        required: string[];
        additionalProperties: boolean;
      };
      const names = Object.keys(module.schema.shape);
      expect(Object.keys(schema.properties)).toEqual(names);
      expect(schema.required).toEqual(names);
      expect(schema.additionalProperties).toBe(false);
      expect(schema).not.toHaveProperty('$schema');
      for (const property of Object.values(schema.properties)) {
        expect(property.anyOf?.some((n) => n.type === 'null')).toBe(true);
        expect(JSON.stringify(property)).not.toMatch(/"(pattern|minLength|maximum|minimum|format)"/);
      }
    },
  );

  it('keeps enums and moves patterns into the description', () => {
    const schema = strictJsonSchema(documentModules.cet_score_report.schema) as {
      properties: Record<string, Node>;
    };
    expect(schema.properties.level).toEqual({
      anyOf: [{ type: 'string', enum: ['CET4', 'CET6'] }, { type: 'null' }],
    });
    expect(schema.properties.examSession?.anyOf?.[0]?.description).toBe('pattern: ^\\d{4}-(0[1-9]|1[0-2])$');
  });
});

describe('reply schemas', () => {
  it('reject extra keys and values the type schema refuses', () => {
    const reply = extractionReplySchema(documentModules.cet_score_report.schema);
    const fields = Object.fromEntries(
      Object.keys(documentModules.cet_score_report.schema.shape).map((k) => [k, null]),
    );
    expect(reply.safeParse({ fields, instructionsInDocument: false }).success).toBe(true);
    expect(reply.safeParse({ fields, instructionsInDocument: false, verdict: 'verified' }).success).toBe(
      false,
    );
    expect(
      reply.safeParse({ fields: { ...fields, verified: true }, instructionsInDocument: false }).success,
    ).toBe(false);
    expect(
      reply.safeParse({ fields: { ...fields, totalScore: 999 }, instructionsInDocument: false }).success,
    ).toBe(false);
    expect(
      classificationReplySchema.safeParse({ documentType: 'passport', instructionsInDocument: false })
        .success,
    ).toBe(false);
  });
});
