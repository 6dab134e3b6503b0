// Class indices from label text. Classes are the training split's distinct labels in sorted order:
// numerically when every label is a number (so '2' comes before '10', and '-1' before '1'), otherwise by
// code point, which does not depend on the machine's locale. The label text is kept as the class name.
import { SeriesFormatError } from './errors.js';
import type { RawSplit } from './raw.js';

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const isNumeric = (label: string): boolean => label.trim() !== '' && Number.isFinite(Number(label));

/** The sorted distinct labels of a split: the class names, class i being names[i]. */
export function classNamesOf(labels: readonly string[]): string[] {
  const distinct = [...new Set(labels)];
  if (distinct.every(isNumeric)) return distinct.sort((a, b) => Number(a) - Number(b) || byCodePoint(a, b));
  return distinct.sort(byCodePoint);
}

/** The class index of every sample of `split`; a label not in classNames is a SeriesFormatError at its line. */
export function classIndices(split: RawSplit, classNames: readonly string[], trainFile: string): number[] {
  const index = new Map(classNames.map((name, i) => [name, i]));
  return split.labels.map((label, i) => {
    const found = index.get(label);
    if (found === undefined) {
      throw new SeriesFormatError(
        split.file, split.lines[i] ?? 0,
        `label '${label}' does not occur in the training split ${trainFile} (its classes: ${classNames.join(', ')}); a test label must be one of the training classes`,
      );
    }
    return found;
  });
}
