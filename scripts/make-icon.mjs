// Draws the app icon (build/icon.png, 1024×1024) without any image tool: a ring on a dark rounded square,
// with a dot at its side. electron-builder derives the macOS .icns and Windows .ico from this PNG.
//   node scripts/make-icon.mjs [output.png] [size]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const output = process.argv[2] ?? path.resolve(import.meta.dirname, '../build/icon.png');
const size = Number(process.argv[3] ?? 1024);

const BACKGROUND = [16, 32, 47];
const RING = [63, 182, 168];
const DOT = [242, 177, 52];

/** Coverage (0–1) of the shapes at a point, in a 0–1 coordinate space. */
function shade(x, y) {
  const corner = 0.18;
  const cx = Math.min(Math.max(x, corner), 1 - corner);
  const cy = Math.min(Math.max(y, corner), 1 - corner);
  if (Math.hypot(x - cx, y - cy) > corner) return null; // outside the rounded square: transparent
  const r = Math.hypot(x - 0.5, y - 0.5);
  const dot = Math.hypot(x - (0.5 + 0.3 * Math.SQRT1_2), y - (0.5 - 0.3 * Math.SQRT1_2));
  if (dot < 0.085) return DOT;
  if (r > 0.26 && r < 0.34) return RING;
  return BACKGROUND;
}

const SAMPLES = 4; // 4×4 supersampling for smooth edges
const raw = Buffer.alloc(size * (size * 4 + 1));
for (let py = 0; py < size; py += 1) {
  const row = py * (size * 4 + 1);
  raw[row] = 0; // PNG filter type: none
  for (let px = 0; px < size; px += 1) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SAMPLES; sy += 1) {
      for (let sx = 0; sx < SAMPLES; sx += 1) {
        const colour = shade((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size);
        if (!colour) continue;
        r += colour[0];
        g += colour[1];
        b += colour[2];
        a += 1;
      }
    }
    const at = row + 1 + px * 4;
    if (a > 0) {
      raw[at] = Math.round(r / a);
      raw[at + 1] = Math.round(g / a);
      raw[at + 2] = Math.round(b / a);
    }
    raw[at + 3] = Math.round((a / (SAMPLES * SAMPLES)) * 255);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(output, png);
console.log(`wrote ${output} (${size}×${size}, ${png.length} bytes)`);
