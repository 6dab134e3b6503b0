// Decoding PNG/JPEG files (pure JS: pngjs, jpeg-js) and the center-resize that makes them one fixed size.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Decoded pixels, always 8-bit RGBA (grey and palette images are expanded by the decoders). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type ResizeMode = 'bilinear' | 'nearest';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean => magic.every((byte, i) => bytes[i] === byte);

/** Decodes PNG or JPEG bytes (chosen by their magic number, not the name); errors name `file`. */
export function decodeImage(bytes: Uint8Array, file: string): RgbaImage {
  let kind: 'PNG' | 'JPEG';
  if (startsWith(bytes, PNG_MAGIC)) kind = 'PNG';
  else if (startsWith(bytes, JPEG_MAGIC)) kind = 'JPEG';
  else throw new Error(`${file}: not a PNG or JPEG file (${bytes.length} bytes, unknown signature); remove it or convert it`);
  try {
    if (kind === 'PNG') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: png.data };
    }
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return { width: image.width, height: image.height, data: image.data };
  } catch (error) {
    throw new Error(`${file}: corrupt or truncated ${kind} (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Writes `image` as height x width RGB (HWC) into out at offset, "center-resized": scaled so it covers
 * the target (the shorter side fits), then the middle cut out — torchvision's Resize(S) + CenterCrop(S).
 * 'bilinear' samples at pixel centres without antialiasing (as torch's interpolate with
 * align_corners=False, antialias=False); 'nearest' takes the pixel whose centre is closest.
 * The alpha channel is dropped.
 */
export function centerResize(image: RgbaImage, height: number, width: number, out: Uint8Array, offset = 0, mode: ResizeMode = 'bilinear'): void {
  const { width: sw, height: sh, data } = image;
  if (sw === 0 || sh === 0) throw new RangeError(`centerResize: the source image is ${sw}x${sh}`);
  const scale = Math.max(height / sh, width / sw);
  const x0 = (sw - width / scale) / 2;
  const y0 = (sh - height / scale) / 2;
  const clampX = (x: number): number => (x < 0 ? 0 : x > sw - 1 ? sw - 1 : x);
  const clampY = (y: number): number => (y < 0 ? 0 : y > sh - 1 ? sh - 1 : y);
  let o = offset;
  for (let y = 0; y < height; y++) {
    const fy = y0 + (y + 0.5) / scale - 0.5;
    if (mode === 'nearest') {
      const row = clampY(Math.floor(fy + 0.5)) * sw;
      for (let x = 0; x < width; x++) {
        const s = 4 * (row + clampX(Math.floor(x0 + (x + 0.5) / scale)));
        out[o++] = data[s] as number;
        out[o++] = data[s + 1] as number;
        out[o++] = data[s + 2] as number;
      }
      continue;
    }
    const yf = Math.floor(fy);
    const wy = fy - yf;
    const r0 = clampY(yf) * sw;
    const r1 = clampY(yf + 1) * sw;
    for (let x = 0; x < width; x++) {
      const fx = x0 + (x + 0.5) / scale - 0.5;
      const xf = Math.floor(fx);
      const wx = fx - xf;
      const c0 = clampX(xf);
      const c1 = clampX(xf + 1);
      for (let c = 0; c < 3; c++) {
        const top = (data[4 * (r0 + c0) + c] as number) * (1 - wx) + (data[4 * (r0 + c1) + c] as number) * wx;
        const bottom = (data[4 * (r1 + c0) + c] as number) * (1 - wx) + (data[4 * (r1 + c1) + c] as number) * wx;
        out[o++] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
}
