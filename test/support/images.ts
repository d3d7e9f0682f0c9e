import sharp from 'sharp';

/** A small real PNG with some printed text: decodable, but not a supported document. */
export async function makeTextPng(
  text = 'Receipt 2024-06-01 Total 38.00',
  width = 800,
  height = 500,
): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="white"/>
    <text x="40" y="120" font-family="Noto Sans CJK SC, sans-serif" font-size="40" fill="black">${text}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export async function makeJpeg(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 240, g: 240, b: 235 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** A PNG whose header claims a size, followed by nothing decodable. */
export function pngHeaderClaiming(width: number, height: number): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'ascii');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr[16] = 8; // bit depth
  ihdr[17] = 2; // truecolour
  // CRC over type + data
  ihdr.writeUInt32BE(crc32(ihdr.subarray(4, 21)), 21);
  return Buffer.concat([
    signature,
    ihdr,
    chunk('IDAT', Buffer.from('789c030000000001', 'hex')),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The same PNG with a `tEXt` chunk before IEND: identical pixels, different bytes (and sha256), so
 * each upload is its own blob without rendering a new image.
 */
export function stampPng(png: Buffer, text: string): Buffer {
  const iend = png.length - 12;
  if (png.subarray(iend + 4, iend + 8).toString('ascii') !== 'IEND')
    throw new Error('not a PNG ending in IEND');
  return Buffer.concat([
    png.subarray(0, iend),
    chunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1')),
    png.subarray(iend),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
