#!/usr/bin/env node
// The `catrain` executable. The program is imported inside the guard so that even a failure while
// loading it (a broken install) ends with catrain's one-line message and a non-zero exit.
try {
  const { runCli } = await import('./program.js');
  process.exitCode = await runCli(process.argv);
} catch (error) {
  process.stderr.write(`catrain: ${error instanceof Error ? error.message.replace(/^catrain: /, '') : String(error)}\n`);
  process.exitCode = 1;
}
