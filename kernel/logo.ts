/**
 * Draws the kernel logo (a white lectern on TypeScript blue) and writes
 * `kernel/logo-32x32.png` and `kernel/logo-64x64.png`, which `lectern
 * install` copies into the kernelspec. Run after a build:
 * `node dist/kernel/logo.js`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { encode } from "fast-png";

type Rgba = [number, number, number, number];

const BLUE: Rgba = [49, 120, 198, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const ORANGE: Rgba = [238, 108, 43, 255];

/** Colour at (u, v) in the unit square, with v going down. */
function shade(u: number, v: number): Rgba | undefined {
  const r = 0.18;
  const cu = Math.min(Math.max(u, r), 1 - r);
  const cv = Math.min(Math.max(v, r), 1 - r);
  if ((u - cu) ** 2 + (v - cv) ** 2 > r * r) return undefined;
  // Slanted book rest: a band whose top edge rises to the right.
  const restTop = 0.3 - (0.08 * (u - 0.2)) / 0.6;
  if (u > 0.2 && u < 0.8 && v > restTop && v < restTop + 0.12) return WHITE;
  // Open book on the rest.
  if (u > 0.3 && u < 0.7 && v > restTop - 0.1 && v < restTop) return ORANGE;
  if (u > 0.45 && u < 0.55 && v >= 0.38 && v < 0.78) return WHITE;
  if (u > 0.3 && u < 0.7 && v >= 0.78 && v < 0.86) return WHITE;
  return BLUE;
}

/** A `size`×`size` RGBA PNG of the logo, supersampled 4×4 per pixel. */
export function drawLogo(size: number): Uint8Array {
  const data = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = shade((x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size);
          if (c === undefined) continue;
          for (let i = 0; i < 3; i++) acc[i] = (acc[i] as number) + (c[i] as number) * (c[3] / 255);
          acc[3] = (acc[3] as number) + c[3];
        }
      }
      const n = samples * samples;
      const alpha = (acc[3] as number) / n;
      const o = (y * size + x) * 4;
      for (let i = 0; i < 3; i++)
        data[o + i] = alpha > 0 ? Math.round((acc[i] as number) / n / (alpha / 255)) : 0;
      data[o + 3] = Math.round(alpha);
    }
  }
  return encode({ width: size, height: size, data, channels: 4, depth: 8 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const size of [32, 64]) {
    const path = fileURLToPath(new URL(`../../kernel/logo-${size}x${size}.png`, import.meta.url));
    writeFileSync(path, drawLogo(size));
    console.log(`wrote ${path}`);
  }
}
