import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeJpeg, makeTextPng, pngHeaderClaiming } from '../../test/support/images.js';
import { createTestApp, fileBlob, type TestApp, uploadForm } from '../../test/support/test-services.js';

describe('verifications: bad input', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    t.app.request('/v1/verifications', {
      method: 'POST',
      headers: { ...t.auth('client'), ...headers },
      body,
    });

  const expectProblem = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ status, code });
    expect(body.requestId).toBeTruthy();
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    return body;
  };

  const fileCases: [string, () => Promise<Buffer>, number, string][] = [
    ['an empty file', async () => Buffer.alloc(0), 400, 'FILE_EMPTY'],
    ['a truncated JPEG', async () => (await makeJpeg(1200, 900)).subarray(0, 2000), 422, 'IMAGE_UNDECODABLE'],
    [
      'a text file named .jpg',
      async () => Buffer.from('hello, I am not an image\n'.repeat(20)),
      415,
      'FILE_TYPE_UNSUPPORTED',
    ],
    [
      'a PNG header claiming 100000×100000 pixels',
      async () => pngHeaderClaiming(100_000, 100_000),
      413,
      'IMAGE_TOO_LARGE',
    ],
    [
      'a zip archive',
      async () => Buffer.concat([Buffer.from('504b0304140000000800', 'hex'), Buffer.alloc(200, 1)]),
      415,
      'FILE_TYPE_UNSUPPORTED',
    ],
  ];

  for (const [what, make, status, code] of fileCases) {
    it(`answers ${what} with ${status} ${code}`, async () => {
      const form = uploadForm({
        file: new File([new Uint8Array(await make())], 'photo.jpg', { type: 'image/jpeg' }),
        subjectId: 'u-1',
      });
      await expectProblem(await post(form), status, code);
    });
  }

  it('answers a 100 MB body with 413 without reading it all', async () => {
    const big = Buffer.alloc(100 * 1024 * 1024, 0xff);
    const form = uploadForm({ file: fileBlob(big, 'image/jpeg'), subjectId: 'u-1' });
    await expectProblem(await post(form), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a missing file or subject with 400 VALIDATION_FAILED naming the field', async () => {
    const body = await expectProblem(await post(uploadForm({ subjectId: 'u-1' })), 400, 'VALIDATION_FAILED');
    expect(body.errors.map((e: { path: string }) => e.path)).toContain('file');
    const noSubject = uploadForm({ file: fileBlob(await makeTextPng(), 'image/png') });
    await expectProblem(await post(noSubject), 400, 'VALIDATION_FAILED');
  });

  it('answers unknown fields and malformed values with 400', async () => {
    const png = fileBlob(await makeTextPng(), 'image/png');
    await expectProblem(
      await post(uploadForm({ file: png, subjectId: 'u-1', colour: 'red' })),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await post(uploadForm({ file: png, subjectId: 'u-1', applicantIdNumber: '12345' })),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await post(uploadForm({ file: png, subjectId: 'u-1', documentTypeHint: 'passport' })),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('answers a subjectId made only of dots, or with other characters than [A-Za-z0-9._:@-], with 400', async () => {
    const png = fileBlob(await makeTextPng(), 'image/png');
    for (const subjectId of ['.', '..', '...', 'a/b', 'a b', 'x'.repeat(129)]) {
      const body = await expectProblem(
        await post(uploadForm({ file: png, subjectId })),
        400,
        'VALIDATION_FAILED',
      );
      expect(body.errors.map((e: { path: string }) => e.path)).toContain('subjectId');
    }
    expect((await post(uploadForm({ file: png, subjectId: 'u.1:a@b-c_d' }))).status).toBe(202);
  });

  it('answers a JSON body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    await expectProblem(
      await post(JSON.stringify({ subjectId: 'u-1' }), { 'content-type': 'application/json' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses an Idempotency-Key reused for another file with 422', async () => {
    const first = uploadForm({ file: fileBlob(await makeTextPng('one'), 'image/png'), subjectId: 'u-1' });
    expect((await post(first, { 'idempotency-key': 'same' })).status).toBe(202);
    const second = uploadForm({ file: fileBlob(await makeTextPng('two'), 'image/png'), subjectId: 'u-1' });
    await expectProblem(await post(second, { 'idempotency-key': 'same' }), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('answers unknown routes and ids with 404 problem+json, and keeps serving after every bad input', async () => {
    await expectProblem(
      await t.app.request('/v1/nothing-here', { headers: t.auth('client') }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await t.app.request('/v1/verifications/ver_missing', { headers: t.auth('client') }),
      404,
      'NOT_FOUND',
    );
    const ok = uploadForm({ file: fileBlob(await makeTextPng(), 'image/png'), subjectId: 'u-1' });
    expect((await post(ok)).status).toBe(202);
  });
});

describe('verifications: bad PDFs', () => {
  let t: TestApp;
  beforeEach(async () => {
    // Intake's page count gives up after PDF_INSPECT_TIMEOUT_MS (the job then decides): not here.
    t = await createTestApp({ env: { MAX_PDF_PAGES: '2', PDF_INSPECT_TIMEOUT_MS: '10000' } });
  });
  afterEach(async () => {
    await t.close();
  });

  const postPdf = (bytes: Buffer) =>
    t.app.request('/v1/verifications', {
      method: 'POST',
      headers: t.auth('client'),
      body: uploadForm({ file: fileBlob(bytes, 'application/pdf'), subjectId: 'u-1' }),
    });

  it('refuses a corrupt PDF with 422 PDF_INVALID', async () => {
    const res = await postPdf(
      Buffer.from('%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ngarbage'),
    );
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe('PDF_INVALID');
  });

  it('refuses a PDF with more pages than allowed with 422 PDF_TOO_MANY_PAGES', async () => {
    const res = await postPdf(minimalPdf(3));
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe('PDF_TOO_MANY_PAGES');
  });
});

/** A valid PDF with `pages` blank pages and a correct cross-reference table. */
function minimalPdf(pages: number): Buffer {
  const objects: string[] = [];
  const kids = Array.from({ length: pages }, (_, i) => `${3 + i} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  for (let i = 0; i < pages; i++) objects.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>');
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body);
}
