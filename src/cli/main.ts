#!/usr/bin/env node
// The `catrain` executable.
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
