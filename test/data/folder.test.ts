import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { loadImageFolder } from '../../src/data/folder.js';
import { centerResize, decodeImage, type RgbaImage } from '../../src/data/image.js';

const dir = mkdtempSync(path.join(tmpdir(), 'catrain-folder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An RGBA image whose pixel (x, y) is (r(x, y), g, b, 255). */
function rgba(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([...pixel(x, y), 255], 4 * (y * width + x));
  }
  return { width, height, data };
}

function pngBytes(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data.set(image.data);
  return PNG.sync.write(png);
}

function writePng(file: string, image: RgbaImage): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, pngBytes(image));
}

const solid = (r: number, g: number, b: number) => rgba(6, 4, () => [r, g, b]);

describe('centerResize', () => {
  test('same size copies the pixels and drops alpha', () => {
    const image = rgba(3, 2, (x, y) => [x, y, 10 * x + y]);
    const out = new Uint8Array(3 * 2 * 3);
    centerResize(image, 2, 3, out);
    assert.deepEqual(Array.from(out), [0, 0, 0, 1, 0, 10, 2, 0, 20, 0, 1, 1, 1, 1, 11, 2, 1, 21]);
  });

  test('a wide image is cut to its centre when the height already fits', () => {
    const image = rgba(8, 4, (x) => [x, 0, 0]);
    for (const mode of ['bilinear', 'nearest'] as const) {
      const out = new Uint8Array(4 * 4 * 3);
      centerResize(image, 4, 4, out, 0, mode);
      assert.deepEqual([0, 1, 2, 3].map((x) => out[3 * x]), [2, 3, 4, 5], mode);
    }
  });

  test('halving: nearest picks one pixel of each 2x2 block, bilinear averages the block', () => {
    const image = rgba(4, 4, (x, y) => [10 * x + y, 0, 0]);
    const nearest = new Uint8Array(2 * 2 * 3);
    centerResize(image, 2, 2, nearest, 0, 'nearest');
    assert.deepEqual([0, 1, 2, 3].map((p) => nearest[3 * p]), [11, 31, 13, 33]);
    const bilinear = new Uint8Array(2 * 2 * 3);
    centerResize(image, 2, 2, bilinear, 0, 'bilinear');
    assert.deepEqual([0, 1, 2, 3].map((p) => bilinear[3 * p]), [6, 26, 8, 28]); // round(5.5)=6, ...
  });
});

describe('decodeImage', () => {
  test('PNG and JPEG decode to RGBA; other bytes are named errors', () => {
    const png = decodeImage(pngBytes(solid(200, 100, 50)), 'a.png');
    assert.deepEqual([png.width, png.height, ...png.data.subarray(0, 4)], [6, 4, 200, 100, 50, 255]);
    const encoded = jpeg.encode({ width: 6, height: 4, data: solid(200, 100, 50).data }, 95);
    const jpg = decodeImage(encoded.data, 'b.jpg');
    assert.deepEqual([jpg.width, jpg.height], [6, 4]);
    assert.ok(Math.abs((jpg.data[0] as number) - 200) <= 3 && Math.abs((jpg.data[2] as number) - 50) <= 3);
    assert.throws(() => decodeImage(Buffer.from('GIF89a....'), 'c.gif.png'), /c\.gif\.png: not a PNG or JPEG file/);
    const truncated = pngBytes(solid(1, 2, 3)).subarray(0, 40);
    assert.throws(() => decodeImage(truncated, 'd.png'), /d\.png: corrupt or truncated PNG/);
  });
});

describe('loadImageFolder', () => {
  test('one subfolder per class in sorted order, images resized to the given size', () => {
    const root = path.join(dir, 'flat');
    writePng(path.join(root, 'zebra', '1.png'), solid(0, 0, 255));
    writePng(path.join(root, 'apple', 'b.png'), solid(255, 0, 0));
    writePng(path.join(root, 'apple', 'a.png'), solid(0, 255, 0));
    writeFileSync(path.join(root, 'zebra', 'notes.txt'), 'ignored: not an image');
    const encoded = jpeg.encode({ width: 6, height: 4, data: solid(90, 90, 90).data }, 95);
    writeFileSync(path.join(root, 'zebra', '2.JPG'), encoded.data);
    const ds = loadImageFolder(root, 'train', { imageSize: 2 });
    assert.deepEqual(ds.classNames, ['apple', 'zebra']);
    assert.deepEqual([ds.count, ds.height, ds.width, ds.channels, ds.numClasses, ds.name], [4, 2, 2, 3, 2, 'folder']);
    assert.deepEqual(Array.from(ds.labels), [0, 0, 1, 1]);
    // apple/a.png (green) comes before apple/b.png (red); zebra/1.png (blue) before zebra/2.JPG.
    assert.deepEqual(Array.from(ds.images.subarray(0, 3)), [0, 255, 0]);
    assert.deepEqual(Array.from(ds.images.subarray(12, 15)), [255, 0, 0]);
    assert.deepEqual(Array.from(ds.images.subarray(24, 27)), [0, 0, 255]);
    assert.ok(Math.abs((ds.images[36] as number) - 90) <= 3);
    assert.throws(() => loadImageFolder(root, 'test', { imageSize: 2 }), /no test split; add .*train\/ and .*val\//);
  });

  test('train/ and val/ share the train classes; non-square sizes work', () => {
    const root = path.join(dir, 'split');
    writePng(path.join(root, 'train', 'cat', 'x.png'), solid(1, 1, 1));
    writePng(path.join(root, 'train', 'dog', 'x.png'), solid(2, 2, 2));
    writePng(path.join(root, 'val', 'dog', 'y.png'), solid(3, 3, 3));
    const val = loadImageFolder(root, 'test', { imageSize: [3, 5], resize: 'nearest' });
    assert.deepEqual([val.count, val.height, val.width, ...val.labels], [1, 3, 5, 1]);
    assert.deepEqual(val.classNames, ['cat', 'dog']);
    writePng(path.join(root, 'val', 'emu', 'z.png'), solid(3, 3, 3));
    assert.throws(() => loadImageFolder(root, 'test', { imageSize: 4 }), /has classes not in .*train: emu/);
  });

  test('a corrupt image is an error naming the file', () => {
    const root = path.join(dir, 'corrupt');
    writePng(path.join(root, 'a', 'good.png'), solid(1, 1, 1));
    writeFileSync(path.join(root, 'a', 'bad.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    assert.throws(() => loadImageFolder(root, 'train', { imageSize: 4 }), (e: Error) => e.message.includes(path.join(root, 'a', 'bad.png')) && e.message.includes('corrupt or truncated PNG'));
    assert.throws(() => loadImageFolder(root, 'train', { imageSize: 0 }), /imageSize 0 is not a positive integer/);
  });
});
