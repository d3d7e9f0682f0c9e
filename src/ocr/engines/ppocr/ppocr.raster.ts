import sharp from 'sharp';
import { OcrError } from '../../ocr.errors.js';
import type { QuarterTurns } from '../../ocr.types.js';

/** A decoded page: 1 channel (red) or 3 channels (RGB), 8 bits per sample. */
export interface Raster {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3;
}

/** 'red' reads the red channel only, which fades red seals and stamps printed over text. */
export type ColorMode = 'red' | 'rgb';

export async function decodeRaster(image: Buffer, colorMode: ColorMode): Promise<Raster> {
  try {
    const pipeline = sharp(image, { failOn: 'error' });
    if (colorMode === 'red') {
      const { data, info } = await pipeline.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height, channels: 1 };
    }
    const { data, info } = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3 };
  } catch (error) {
    throw new OcrError('OCR_BAD_IMAGE', `cannot decode image: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export async function rotateRaster(raster: Raster, quarterTurns: QuarterTurns): Promise<Raster> {
  const { data, info } = await sharp(raster.data, {
    raw: { width: raster.width, height: raster.height, channels: raster.channels },
  })
    .rotate(quarterTurns * 90)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3 };
}
