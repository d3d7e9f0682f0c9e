import zlib from 'node:zlib';

/**
 * Generators of hostile PDFs: small files that cost a naive reader gigabytes or minutes. Nothing
 * large is committed; each file is built in a few milliseconds (the compressed bombs in well under
 * a second) from a repeated chunk.
 */

/** A PDF from object bodies (1-based) with a correct cross-reference table. */
export function buildPdf(objects: Array<string | Buffer>, trailerExtra = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]?.length ?? 0;
  objects.forEach((body, i) => {
    offsets.push(length);
    const part = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(part);
    length += part.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>`,
    'startxref',
    String(length),
    '%%EOF',
    '',
  ].join('\n');
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

/** A stream object body; `dict` adds entries (e.g. `/Filter /FlateDecode`). */
export function streamObject(data: Buffer | string, dict = ''): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return Buffer.concat([
    Buffer.from(`<< /Length ${bytes.length} ${dict}>>\nstream\n`, 'latin1'),
    bytes,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

/**
 * zlib data that inflates to `chunk` repeated up to `totalBytes` (rounded up to whole blocks of about
 * 1 MiB), built without holding the inflated whole: one block is deflated once, ending in a full
 * flush (byte-aligned, no reference to earlier data), and its output repeated.
 */
export function deflateRepeated(chunk: string | Buffer, totalBytes: number): Buffer {
  const piece = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
  const block = Buffer.concat(
    Array.from({ length: Math.max(1, Math.floor(2 ** 20 / piece.length)) }, () => piece),
  );
  const deflated = zlib.deflateRawSync(block, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const blocks = Math.max(1, Math.ceil(totalBytes / block.length));
  const blockAdler = adler32(block);
  let adler = blockAdler;
  for (let i = 1; i < blocks; i++) adler = adler32Combine(adler, blockAdler, block.length);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler >>> 0);
  return Buffer.concat([
    Buffer.from([0x78, 0xda]),
    ...Array.from({ length: blocks }, () => deflated),
    // An empty final block with fixed codes.
    Buffer.from([0x03, 0x00]),
    trailer,
  ]);
}

const ADLER_BASE = 65_521;

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % ADLER_BASE;
    b = (b + a) % ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/** adler32(A + B) from adler32(A), adler32(B) and B's length, as zlib's adler32_combine. */
function adler32Combine(first: number, second: number, secondLength: number): number {
  const rem = secondLength % ADLER_BASE;
  const a1 = first & 0xffff;
  const b1 = (first >>> 16) & 0xffff;
  const a2 = second & 0xffff;
  const b2 = (second >>> 16) & 0xffff;
  const a = (a1 + a2 + ADLER_BASE - 1) % ADLER_BASE;
  const b = (((rem * a1) % ADLER_BASE) + b1 + b2 + ADLER_BASE - rem) % ADLER_BASE;
  return ((b << 16) | a) >>> 0;
}

export interface PageSpec {
  /** The content stream (uncompressed), or a ready stream object body. */
  content: string | Buffer;
  /** Width and height in points; A4 by default. */
  size?: [number, number];
  /** Extra entries of the page's /Resources dictionary; `{{n}}` is replaced by object numbers. */
  resources?: string;
}

/**
 * A document of the given pages. Objects 1–3 are the catalog, the page tree and a Helvetica
 * font (/F1); every page takes a page object and a content object; `extraObjects` follow them,
 * numbered from `firstExtra` (returned by `layout`).
 */
export function documentOf(pages: PageSpec[], extraObjects: Array<string | Buffer> = []): Buffer {
  const firstPage = 4;
  const firstExtra = firstPage + pages.length * 2;
  const kids = pages.map((_, i) => `${firstPage + i * 2} 0 R`).join(' ');
  const objects: Array<string | Buffer> = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  pages.forEach((page, i) => {
    const [w, h] = page.size ?? [595, 842];
    const resources = (page.resources ?? '').replaceAll('{{extra}}', String(firstExtra));
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /Font << /F1 3 0 R >> ${resources} >> /Contents ${firstPage + i * 2 + 1} 0 R >>`,
      Buffer.isBuffer(page.content) ? page.content : streamObject(page.content),
    );
  });
  return buildPdf([...objects, ...extraObjects]);
}

/** An ordinary page of text: what a benign first page looks like. */
export const benignTextPage: PageSpec = {
  content: 'BT /F1 18 Tf 72 760 Td (Receipt 2024-06-01 Total 38.00 paid by card) Tj ET',
};

/** `count` filled rectangles, one over the other: the drawing-operator bomb, uncompressed. */
export function rectangles(count: number): string {
  return '1 1 2 2 re f\n'.repeat(count);
}

/** A content stream that inflates to `bytes` of rectangle operators. */
export function compressedRectangles(bytes: number): Buffer {
  return streamObject(deflateRepeated('1 1 2 2 re f\n', bytes), '/Filter /FlateDecode ');
}

/** `depth` nested arrays in one operand: a parser that recurses runs out of stack. */
export function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)} 0 d 0 0 1 1 re f`;
}

/**
 * The hostile corpus: name → bytes. Each must end, quickly at intake, in a 4xx problem or an
 * accepted upload whose verification finishes with a verdict or a failure code.
 */
export function hostilePdfCorpus(): Array<[string, Buffer]> {
  const mb = 1024 * 1024;
  const formFanOut = (levels: number, fanOut: number) => {
    // Form n draws form n+1 `fanOut` times: fanOut^levels rectangles from a few hundred bytes.
    const forms: Buffer[] = [];
    for (let level = 0; level < levels; level++) {
      const content =
        level === levels - 1
          ? '0 0 1 1 re f'
          : Array.from({ length: fanOut }, () => `/X${level + 1} Do`).join(' ');
      forms.push(
        streamObject(
          content,
          `/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X${level + 1} {{next}} >> >> `,
        ),
      );
    }
    return forms;
  };
  const fanOutForms = (firstExtra: number, levels: number, fanOut: number) =>
    formFanOut(levels, fanOut).map((form, level) =>
      Buffer.from(
        form
          .toString('latin1')
          .replace('{{next}}', level + 1 < levels ? `${firstExtra + level + 1} 0 R` : '0 0 R'),
        'latin1',
      ),
    );

  return [
    ['content bomb: 300 KB of rectangle operators', documentOf([{ content: rectangles(23_000) }])],
    // Each `q` saves the graphics state inside the last: pdf.js's time grows with the square of the depth.
    ['CPU bomb: 300 KB of nested q operators', documentOf([{ content: 'q '.repeat(150_000) }])],
    [
      'content bomb: 64 MB of operators in 70 KB of Flate',
      documentOf([{ content: compressedRectangles(64 * mb) }]),
    ],
    [
      'content bomb: 512 MB of operators in 500 KB of Flate',
      documentOf([{ content: compressedRectangles(512 * mb) }]),
    ],
    [
      'benign page 1, Flate bomb on page 2',
      documentOf([benignTextPage, { content: compressedRectangles(64 * mb) }]),
    ],
    [
      'benign page 1, 300 KB operator bomb on page 2',
      documentOf([benignTextPage, { content: rectangles(23_000) }]),
    ],
    ['5000-pt page', documentOf([{ content: '0 0 10 10 re f', size: [5000, 5000] }])],
    ['14400-pt page', documentOf([{ content: '0 0 10 10 re f', size: [14_400, 14_400] }])],
    ['14400×3-pt page', documentOf([{ content: '0 0 10 1 re f', size: [14_400, 3] }])],
    ['nested arrays, depth 100k, in the content', documentOf([{ content: nestedArrays(100_000) }])],
    [
      'nested dictionaries, depth 100k, in the page',
      documentOf([
        {
          content: '0 0 1 1 re f',
          resources: `/Deep ${'<< /A '.repeat(100_000)}1${' >>'.repeat(100_000)}`,
        },
      ]),
    ],
    [
      'XObject that draws itself',
      documentOf(
        [{ content: '/X0 Do', resources: '/XObject << /X0 {{extra}} 0 R >>' }],
        [
          streamObject(
            '0 0 1 1 re f /X0 Do',
            '/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X0 6 0 R >> >> ',
          ),
        ],
      ),
    ],
    [
      'XObject fan-out: 10 levels × 10 (10^10 rectangles)',
      documentOf(
        [{ content: '/X0 Do', resources: '/XObject << /X0 {{extra}} 0 R >>' }],
        fanOutForms(6, 10, 10),
      ),
    ],
    [
      'many pages: 5 pages, each a Flate bomb',
      documentOf(Array.from({ length: 5 }, () => ({ content: compressedRectangles(32 * mb) }))),
    ],
    [
      'font bomb: an embedded font that inflates to 1 GB',
      documentOf(
        [
          {
            content: 'BT /F2 18 Tf 72 760 Td (Receipt 2024-06-01 Total 38.00 paid) Tj ET',
            resources: '/Font << /F1 3 0 R /F2 {{extra}} 0 R >>',
          },
        ],
        [
          '<< /Type /Font /Subtype /TrueType /BaseFont /Bomb /FirstChar 32 /LastChar 126 /FontDescriptor 7 0 R >>',
          '<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>',
          streamObject(deflateRepeated(Buffer.alloc(4096), 1024 * mb), '/Filter /FlateDecode '),
        ],
      ),
    ],
    [
      'image declaring 30000×30000 pixels',
      documentOf(
        [{ content: 'q 500 0 0 500 0 0 cm /Im0 Do Q', resources: '/XObject << /Im0 {{extra}} 0 R >>' }],
        [
          streamObject(
            deflateRepeated(Buffer.alloc(4096), 64 * mb),
            '/Type /XObject /Subtype /Image /Width 30000 /Height 30000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode ',
          ),
        ],
      ),
    ],
  ];
}
