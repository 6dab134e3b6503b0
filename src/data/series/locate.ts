// Where an archive's split files are: the UCR and UEA archives unpack to ROOT/NAME/NAME_TRAIN.ext, and
// a dataset copied out on its own often sits as DIR/NAME_TRAIN.ext; both are accepted.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SeriesFormatError } from './errors.js';

const OTHER_FORMATS = [
  { ext: '.ts', what: 'the sktime .ts format: load it as uea:DIR/NAME' },
  { ext: '.tsv', what: 'the UCR format: load it as ucr:DIR/NAME' },
  { ext: '.arff', what: 'the Weka ARFF format, which catrain does not read: take the .ts or .tsv version of the archive' },
];

/** The train and test files of dataset `name` under `dir`, with extension `ext` (e.g. '.tsv'). */
export function locateSplits(dir: string, name: string, ext: string, format: string): { train: string; test: string } {
  if (name === '' || name.includes('/') || name.includes('\\')) {
    throw new SeriesFormatError(path.join(dir, name), 0, `'${name}' is not a dataset name; give the folder and the name, as in ${format}:DIR/NAME`);
  }
  const nested = path.join(dir, name);
  const candidates = [nested, dir];
  for (const folder of candidates) {
    const train = path.join(folder, `${name}_TRAIN${ext}`);
    if (existsSync(train)) return { train, test: path.join(folder, `${name}_TEST${ext}`) };
  }
  const tried = candidates.map((folder) => path.join(folder, `${name}_TRAIN${ext}`));
  const other = candidates.flatMap((folder) => OTHER_FORMATS.filter((known) => known.ext !== ext).map((known) => ({ ...known, file: path.join(folder, `${name}_TRAIN${known.ext}`) })))
    .find((known) => existsSync(known.file));
  const found = other === undefined ? '' : `; found ${other.file}, which is ${other.what}`;
  throw new SeriesFormatError(
    tried[0] as string, 0,
    `no such file, nor ${tried[1]}; a ${format} dataset needs ${name}_TRAIN${ext} and ${name}_TEST${ext} in ${nested}/ (as the archive unpacks) or in ${dir}/${found}`,
  );
}
