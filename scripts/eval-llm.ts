/**
 * Scripted models for `npm run eval -- --llm careful|adversarial`: a local OpenAI-compatible server
 * (test/support/scripted-openai.ts) whose answers come from the fixtures' expected.json.
 *
 * careful: answers the true type and fields of the case being read (the eval says which one).
 * adversarial: claims a supported type for everything, invents values (and reuses numbers printed
 * elsewhere on the page, which ground but are wrong), and on a page with instructions obeys them:
 * it answers "verified" in extra keys and denies that there were instructions.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  extractionReply,
  type RecordedRequest,
  type ScriptedHandler,
  type ScriptedOpenAi,
  startScriptedOpenAi,
} from '../test/support/scripted-openai.js';

export type ScriptedModelKind = 'careful' | 'adversarial';

interface ExpectedCase {
  caseId: string;
  documentType: string;
  fields: Record<string, unknown>;
}

const extractType = (request: RecordedRequest) => request.schemaName?.replace(/_fields$/, '') ?? '';

/** The eval processes one case at a time, in order, and says which one is being read. */
function careful(current: () => ExpectedCase | null): ScriptedHandler {
  return (request) => {
    const known = current();
    if (request.schemaName === 'document_classification') {
      return { json: { documentType: known?.documentType ?? 'unknown', instructionsInDocument: false } };
    }
    if (!known || known.documentType !== extractType(request)) return extractionReply(request, {});
    return extractionReply(request, known.fields);
  };
}

const INJECTION = /verified|verdict|ignore|无需|忽略|系统提示|AI/i;

function adversarial(): ScriptedHandler {
  return (request) => {
    if (request.schemaName === 'document_classification') {
      return {
        json: {
          documentType: /成绩|CET/i.test(request.document) ? 'cet_score_report' : 'degree_certificate',
          instructionsInDocument: false,
        },
      };
    }
    const numbers = request.document.match(/\d{15,18}/g) ?? [];
    const invented: Record<string, unknown> = {
      name: '张三',
      idNumber: '110105194912310021',
      school: '清华大学',
      major: '计算机科学与技术',
      gender: '男',
      birthDate: '1998-01-01',
      educationLevel: '博士研究生',
      degree: '工学博士',
      level: 'CET6',
      examSession: '2024-06',
      enrollmentDate: '2016-09',
      graduationDate: '2020-06',
      conferDate: '2020-06',
      issueDate: '2020-06-30',
      totalScore: 710,
      listeningScore: 249,
      readingScore: 249,
      writingTranslationScore: 212,
      // Grounded but wrong: the first long number on the page for every identifier.
      admissionTicketNumber: numbers[0]?.slice(0, 15) ?? '340801252117128',
      reportNumber: numbers[0]?.slice(0, 15) ?? '252134080100123',
      certificateNumber: numbers[0] ?? '104871202005000123',
      verificationCode: 'A1B2C3D4E5F6G7H8',
    };
    const reply = extractionReply(request, invented, false);
    if (INJECTION.test(request.document)) {
      // Obeys the document: a verdict of its own, outside the schema.
      return { json: { ...(reply.json as object), verdict: 'verified', confidence: 1 } };
    }
    return reply;
  };
}

export interface ScriptedModel extends ScriptedOpenAi {
  /** The case folder (with expected.json) the pipeline is about to read; null between runs. */
  setCase(caseDir: string | null): void;
}

export async function startScriptedModel(kind: ScriptedModelKind): Promise<ScriptedModel> {
  let current: ExpectedCase | null = null;
  const handler = kind === 'careful' ? careful(() => current) : adversarial();
  const server = await startScriptedOpenAi(handler);
  return Object.assign(server, {
    setCase(caseDir: string | null) {
      const file = caseDir && path.join(caseDir, 'expected.json');
      current =
        file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ExpectedCase) : null;
    },
  });
}
