// Small time-series datasets written to disk for the CLI tests of downstream commands: a UCR folder
// (NAME_TRAIN.tsv, NAME_TEST.tsv) and a sensor-log CSV whose label changes over time. Class k is a
// sine of k + 1 periods per window, so a short training run learns something; the values are
// deterministic, so reruns train alike.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const CLASSES = ['healthy', 'imbalance', 'looseness'];

/** Writes DIR/NAME/NAME_TRAIN.tsv and NAME_TEST.tsv (string labels) and returns the `ucr:` spec. */
export function writeUcr(dir: string, name: string, { length = 32, train = 36, test = 18 } = {}): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  const rows = (count: number, offset: number): string =>
    Array.from({ length: count }, (_, i) => {
      const k = i % CLASSES.length;
      const phase = 0.7 * (i + offset);
      const values = Array.from({ length }, (_, t) => (Math.sin(phase + (2 * Math.PI * (k + 1) * t) / length) + 0.1 * Math.cos(13 * t + i)).toFixed(4));
      return [CLASSES[k], ...values].join('\t');
    }).join('\n');
  writeFileSync(path.join(folder, `${name}_TRAIN.tsv`), `${rows(train, 0)}\n`);
  writeFileSync(path.join(folder, `${name}_TEST.tsv`), `${rows(test, 1000)}\n`);
  return `ucr:${folder}`;
}

/**
 * Writes a sensor log (timestamp, two channels, label) of `segments` runs of `segmentRows` rows, the
 * label cycling through the classes so both the training and the test part of the log see each. The
 * label column is named `labelColumn`.
 */
export function writeSensorCsv(file: string, { segments = 24, segmentRows = 64, labelColumn = 'label' } = {}): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = [`timestamp,vib_x,temp_c,${labelColumn}`];
  for (let s = 0; s < segments; s++) {
    const k = s % CLASSES.length;
    for (let r = 0; r < segmentRows; r++) {
      const t = s * segmentRows + r;
      const x = Math.sin((2 * Math.PI * (k + 1) * r) / 16) + 0.05 * Math.cos(7 * t);
      const temp = 40 + k + 0.01 * Math.sin(t);
      lines.push(`${(t / 100).toFixed(2)},${x.toFixed(4)},${temp.toFixed(3)},${CLASSES[k]}`);
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return `csv:${file}`;
}

/**
 * Writes DIR/NAME/NAME_TRAIN.ts and NAME_TEST.ts in sktime's format (two channels, one length, text
 * labels) and returns the `uea:` spec. Class k is a sine of k + 1 periods, the second channel its cosine.
 */
export function writeUea(dir: string, name: string, { length = 32, train = 36, test = 18 } = {}): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  const header = ['# written by the catrain tests', `@problemName ${name}`, '@timeStamps false', '@missing false', '@univariate false', '@dimensions 2', '@equalLength true', `@seriesLength ${length}`, `@classLabel true ${CLASSES.join(' ')}`, '@data'];
  const rows = (count: number, offset: number): string[] =>
    Array.from({ length: count }, (_, i) => {
      const k = i % CLASSES.length;
      const phase = 0.7 * (i + offset);
      const channel = (wave: (x: number) => number): string => Array.from({ length }, (_, t) => wave(phase + (2 * Math.PI * (k + 1) * t) / length).toFixed(4)).join(',');
      return `${channel(Math.sin)}:${channel(Math.cos)}:${CLASSES[k]}`;
    });
  writeFileSync(path.join(folder, `${name}_TRAIN.ts`), `${[...header, ...rows(train, 0)].join('\n')}\n`);
  writeFileSync(path.join(folder, `${name}_TEST.ts`), `${[...header, ...rows(test, 1000)].join('\n')}\n`);
  return `uea:${folder}`;
}
