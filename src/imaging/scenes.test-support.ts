import sharp from 'sharp';
import { seededRandom } from '../../test/support/images.js';

/**
 * A phone photo of a landscape, with no document and no text in it: a sky gradient, a sun, two
 * mountain ridges, a lake, sensor noise and (by default) the soft focus of a distant scene.
 */
export async function renderLandscape(
  options: { width?: number; height?: number; blurSigma?: number; seed?: number } = {},
): Promise<Buffer> {
  const { width = 1600, height = 1200, blurSigma = 4, seed = 3 } = options;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3a78c2"/><stop offset="1" stop-color="#cfe3f5"/></linearGradient>
<linearGradient id="lake" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#4f7fa0"/><stop offset="1" stop-color="#1d3b52"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#sky)"/>
<circle cx="${width * 0.78}" cy="${height * 0.2}" r="${height * 0.07}" fill="#fff4c2"/>
<polygon points="0,${height * 0.62} ${width * 0.2},${height * 0.3} ${width * 0.38},${height * 0.55} ${width * 0.55},${height * 0.25} ${width * 0.8},${height * 0.58} ${width},${height * 0.4} ${width},${height * 0.65} 0,${height * 0.65}" fill="#5b6f4a"/>
<polygon points="${width * 0.1},${height * 0.65} ${width * 0.3},${height * 0.45} ${width * 0.5},${height * 0.65}" fill="#3d5232"/>
<rect y="${height * 0.65}" width="100%" height="${height * 0.35}" fill="url(#lake)"/>
<ellipse cx="${width * 0.3}" cy="${height * 0.85}" rx="${width * 0.12}" ry="${height * 0.03}" fill="#6b8da8"/>
</svg>`;
  const { data } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const rand = seededRandom(seed);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.max(0, Math.min(255, (data[i] ?? 0) + Math.round((rand() - 0.5) * 24)));
  }
  const photo = sharp(data, { raw: { width, height, channels: 3 } });
  if (blurSigma > 0) photo.blur(blurSigma);
  return photo.jpeg({ quality: 88 }).toBuffer();
}
