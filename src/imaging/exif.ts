import type { Metadata } from 'sharp';

/** Editing tools whose traces in metadata are worth a look (the fraud stage decides). */
const EDITING_SOFTWARE =
  /photoshop|lightroom|gimp|meitu|美图|picsart|snapseed|pixlr|canva|fotor|醒图|polarr|affinity|paint\.net|inkscape|illustrator|acrobat/i;

/** The editing tool named in a Software string, if it names a known one. */
export function editingSoftware(software: string | null): string | null {
  const m = software?.match(EDITING_SOFTWARE);
  return m ? m[0] : null;
}

export function findSoftware(meta: Metadata): string | null {
  const found: string[] = [];
  if (meta.exif) {
    const fromExif = readExifAscii(meta.exif, [0x0131, 0x013b, 0x9286]);
    for (const v of fromExif) if (v.trim()) found.push(v.trim());
  }
  const xmp = meta.xmpAsString ?? meta.xmp?.toString('utf8');
  if (xmp) {
    for (const m of xmp.matchAll(/(?:CreatorTool|softwareAgent)(?:="([^"]+)"|>([^<]+)<)/g)) {
      const v = (m[1] ?? m[2] ?? '').trim();
      if (v) found.push(v);
    }
  }
  for (const c of meta.comments ?? []) {
    if (/^(software|comment|description)$/i.test(c.keyword) && c.text.trim()) found.push(c.text.trim());
  }
  if (meta.tifftagPhotoshop && meta.tifftagPhotoshop.length > 0) found.push('Photoshop (image resources)');
  const unique = [...new Set(found)];
  return unique.length > 0 ? unique.join('; ') : null;
}

/**
 * Reads ASCII (and UNDEFINED/UTF-8) string tags from IFD0 and the Exif sub-IFD of a raw
 * EXIF block (as sharp returns it: optionally prefixed with "Exif\0\0", then TIFF).
 */
export function readExifAscii(exif: Buffer, tags: number[]): string[] {
  let base = 0;
  if (exif.subarray(0, 6).toString('latin1') === 'Exif\0\0') base = 6;
  if (exif.length < base + 8) return [];
  const order = exif.subarray(base, base + 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return [];
  const le = order === 'II';
  const u16 = (o: number) => (o + 2 <= exif.length ? (le ? exif.readUInt16LE(o) : exif.readUInt16BE(o)) : 0);
  const u32 = (o: number) => (o + 4 <= exif.length ? (le ? exif.readUInt32LE(o) : exif.readUInt32BE(o)) : 0);
  const out: string[] = [];
  const visited = new Set<number>();
  const readIfd = (offset: number) => {
    if (offset === 0 || visited.has(offset) || base + offset + 2 > exif.length) return;
    visited.add(offset);
    const count = u16(base + offset);
    for (let i = 0; i < count && i < 512; i++) {
      const e = base + offset + 2 + i * 12;
      if (e + 12 > exif.length) break;
      const tag = u16(e);
      const type = u16(e + 2);
      const n = u32(e + 4);
      if (tag === 0x8769) readIfd(u32(e + 8));
      if (!tags.includes(tag) || (type !== 2 && type !== 7) || n === 0 || n > 4096) continue;
      const start = n <= 4 ? e + 8 : base + u32(e + 8);
      if (start + n > exif.length) continue;
      let raw = exif.subarray(start, start + n);
      // UserComment (0x9286) starts with an 8-byte character code.
      if (tag === 0x9286 && raw.length > 8) raw = raw.subarray(8);
      const text = raw.toString('utf8').replace(/\0+$/g, '').replace(/\0/g, ' ');
      if (text.trim()) out.push(text);
    }
  };
  readIfd(u32(base + 4));
  return out;
}
