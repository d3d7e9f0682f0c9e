import sharp from 'sharp';

/** Field values printed on the synthetic score report (what a good engine must find). */
export const SAMPLE_REPORT = {
  title: '全国大学英语四级考试成绩报告单',
  name: '张伟',
  idNumber: '110105199003071234',
  ticket: '420151182100123',
  score: '562',
  school: '武汉大学',
} as const;

interface RenderOptions {
  width?: number;
  height?: number;
  /** Background shade behind the page (a desk), for photo-like renders. */
  background?: string;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Renders a CET-4 score report as a PNG with sharp's SVG renderer and the Noto CJK fonts. Deterministic, so
 * tests and the benchmark can recognise the same page.
 */
export async function renderScoreReport(options: RenderOptions = {}): Promise<Buffer> {
  const width = options.width ?? 1600;
  const height = options.height ?? 1100;
  const u = width / 1600;
  const r = SAMPLE_REPORT;
  const rows: Array<[string, number, number, number, string?]> = [
    [r.title, 800, 130, 56, 'middle'],
    [`姓名：${r.name}`, 160, 290, 40],
    [`学校：${r.school}`, 860, 290, 40],
    [`身份证号：${r.idNumber}`, 160, 380, 40],
    [`准考证号：${r.ticket}`, 160, 470, 40],
    ['考试时间：2015年6月', 860, 470, 40],
    ['总分', 160, 600, 40],
    [r.score, 160, 680, 64],
    ['听力 189', 520, 600, 40],
    ['阅读 201', 820, 600, 40],
    ['写作和翻译 172', 1120, 600, 40],
    ['成绩报告单编号：151142100001234', 160, 860, 34],
    ['教育部教育考试院', 1100, 960, 40],
  ];
  const texts = rows
    .map(
      ([text, x, y, size, anchor]) =>
        `<text x="${x * u}" y="${y * u}" font-size="${size * u}" text-anchor="${anchor ?? 'start'}" font-family="Noto Sans CJK SC" fill="#1a1a1a">${escapeXml(text)}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${options.background ?? '#ffffff'}"/>
    <rect x="${40 * u}" y="${40 * u}" width="${width - 80 * u}" height="${height - 80 * u}" fill="#fbfbf7" stroke="#3a5f8a" stroke-width="${4 * u}"/>
    ${texts}
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The same page rotated clockwise by `quarterTurns` × 90°. */
export async function rotateImage(image: Buffer, quarterTurns: 1 | 2 | 3): Promise<Buffer> {
  return sharp(image)
    .rotate(quarterTurns * 90)
    .png()
    .toBuffer();
}
