// The one error every series reader throws for bad input, so a caller (the CLI) can tell a data problem
// from a bug and print where it is.

/** Bad series input: `file` and 1-based `line` say where (line 0 when the problem is not one line). */
export class SeriesFormatError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, problem: string) {
    super(line > 0 ? `${file}:${line}: ${problem}` : `${file}: ${problem}`);
    this.name = 'SeriesFormatError';
    this.file = file;
    this.line = line;
  }
}
