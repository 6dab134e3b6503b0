// What the docs test does with each command of the docs. It runs every `npx catrain` command, in the
// order the docs give them (later ones read the runs earlier ones wrote), with the reader's
// placeholders replaced by test data and options appended that shorten long runs. Every other
// command is listed here with the reason it is not run. A command that is neither run nor listed is
// a problem, and so is a listing that no doc has any more: the docs cannot drift from the test.
import path from 'node:path';
import type { DocCommand } from './extract.js';

/** The commands the test does not run, by their text (as DocCommand.text writes it), with the reason. */
export const NOT_RUN: ReadonlyMap<string, string> = new Map([
  ['npm run demo', 'a setup command: it installs, builds and trains for a minute; demo.test.ts runs the commands it prints'],
  ['npm test', 'a setup command: it is what runs this test, and CI runs it on a fresh clone'],
  [
    'node dist/bench/export/reference.js --run RUN --out /tmp/export-check --count 500',
    'a bench: 500 images through catrain, onnxruntime and TF.js take a minute; test/export checks the same agreement on 32 images',
  ],
  ['/usr/bin/python3 bench/export/check_torch.py /tmp/export-check', 'needs PyTorch for Python (Debian python3-torch), which the setup does not install'],
  ['npm ci && npm run build:ts', 'reinstalls node_modules and rebuilds dist/, which `npm test` has just done through scripts/setup.mjs'],
  ['LIBTORCH=/path/to/torch bash scripts/gpu-test.sh', 'needs an NVIDIA GPU and a CUDA libtorch'],
  [
    'mkdir -p /tmp/nb && xz -dc .carry/node.xz > /tmp/nb/node && chmod +x /tmp/nb/node && PATH=/tmp/nb:$PATH bash scripts/gpu-test.sh 2>&1 | tee $OUT/gpu.log',
    'the GPU suite on a GPU machine, with a Node binary carried there',
  ],
  [
    'npx catrain train --nnodes 2 --node-rank 0 --nproc 1 --master-addr 10.0.0.1 --master-port 29500 ...',
    'needs two machines (and the rest of a train command); test/distributed/launch.test.ts runs two launchers with --nnodes 2 on loopback',
  ],
  [
    'npx catrain train --nnodes 2 --node-rank 1 --nproc 1 --master-addr 10.0.0.1 --master-port 29500 ...',
    'the second machine of the command above',
  ],
  [
    'bash bench/cifar-quick.sh ../shared/data/cifar-10-batches-bin SEED 15',
    'a benchmark: ResNet-20 trained for 15 epochs by catrain and then by PyTorch for Python (not installed), hours on a CPU',
  ],
  [
    'PER_WORKER_DRAWS=0 bash bench/distributed/cat-workers.sh runs/dp-cifar 0 -- --model resnet20 --data cifar10:../shared/data/cifar-10-batches-bin --epochs 15 --target-macs 0.5 --prune-by 0.15 --settle-fraction 0.75 --layer-preference 4',
    'a benchmark: two 15-epoch ResNet-20 CAT runs on all of CIFAR-10, an hour on a 2-core CPU; test/distributed runs CAT on two workers on a subset',
  ],
  [
    'npx catrain train --model resnet20 --data cifar10:../shared/data/cifar-10-batches-bin --epochs 15 --target-macs 0.5 --prune-by 0.15 --settle-fraction 0.75 --layer-preference 4 --seed 0 --out runs/coupled/tuned2',
    'half an hour on all of CIFAR-10, and its schedule (--prune-by 0.15) does not fit the 2 epochs this test would shorten it to; test/cat runs CAT with coupled groups on small networks',
  ],
  [
    'bash bench/cat/cifar-quick.sh ../shared/data/cifar-10-batches-bin runs/i16 dense --dense --seed 0 -- macs50 --target-macs 0.5 --seed 0 -- macs50-fixed --target-macs 0.5 --residual-channels fixed --seed 0',
    'a benchmark: three 15-epoch ResNet-20 trainings on all of CIFAR-10, half an hour on a 2-core CPU',
  ],
  [
    'bash bench/latency/cifar-quick.sh ../shared/data/cifar-10-batches-bin runs/sitting3',
    'a benchmark: two latency profiles, five 15-epoch ResNet-20 trainings on all of CIFAR-10 and their timings, an hour on a 2-core CPU',
  ],
  [
    'npx catrain latency-profile --model resnet20 --runtime onnxruntime --batch 1 --out runs/latency/r20-ort-b1c.json',
    'a measurement of this machine: the results quote its output; test/cli/latency-cli.test.ts profiles LeNet-5 on both runtimes',
  ],
  [
    'npx catrain latency-profile --model resnet20 --runtime onnxruntime --batch 64 --out runs/latency/r20-ort-b64c.json',
    'the same at batch 64, a minute of timing',
  ],
  [
    'npx catrain train --model resnet20 --data cifar10:../shared/data/cifar-10-batches-bin --epochs 15 --latency-profile runs/latency/r20-ort-b1c.json --target-latency 0.1467 --seed 0 --out runs/i16/lat-b1c',
    "its target is half of this machine's measured dense latency; test/cli/latency-cli.test.ts trains with a latency budget on a profile of its own",
  ],
  [
    'npx catrain train --model resnet20 --data cifar10:../shared/data/cifar-10-batches-bin --epochs 15 --latency-profile runs/latency/r20-ort-b64c.json --target-latency 6.510 --seed 0 --out runs/i16/lat-b64c',
    'the same at batch 64',
  ],
  ['bash bench/cat/measure-runs.sh runs/i16 macs50 macs50-fixed lat-b1c lat-b64c', 'a benchmark of the runs above, ten minutes of timing'],
  [
    'bash bench/timeseries/results.sh runs/ts-results 15',
    'a benchmark: eight 15-epoch trainings on the generated vibration set, 25 minutes on a 2-core CPU; the docs test runs the 40-epoch commands after it, shortened, on the set the README generates',
  ],
  [
    'bash bench/cat/pilots.sh runs/pilots',
    'a benchmark: four 3-epoch trainings on Fashion-MNIST (Debian dataset-fashion-mnist, which the setup does not install); test/cat covers the schedule defaults it measured',
  ],
]);

export interface TestData {
  /** The folder the commands run in: their relative paths land there. */
  work: string;
  /** A CIFAR-10 folder in the binary format. */
  cifar10: string;
  /** The clone, where the docs' `node dist/...` scripts are. */
  clone: string;
  /** A small sensor log (CSV) standing for the reader's own. */
  sensorLog: string;
}

/** What the docs write for a reader's own data or paths, and what the test puts there. */
const PLACEHOLDERS: [RegExp, (data: TestData, match: RegExpExecArray) => string][] = [
  [/^cifar10:(DIR|\/path\/to\/.*)$/, (data) => `cifar10:${data.cifar10}`],
  // docs/results.md's generated benchmark is the one the README's commands generate (README.md runs
  // first), at the same length and with fewer records.
  [/^ucr:runs\/ts-results\/data\/Vibration$/, () => 'ucr:runs/timeseries/Vibration'],
  // The README's sensor log stands for the reader's own recording.
  [/^csv:line3\.csv$/, (data) => `csv:${data.sensorLog}`],
  // docs/export.md's run stands for any finished CAT run of ResNet-20 on CIFAR-10, as the README's
  // runs/half is (README.md runs first).
  [/^runs\/r20-cat$/, () => 'runs/half'],
  // Scratch paths go into the work folder, which the test removes.
  [/^\/tmp\/(.+)$/, (data, match) => path.join(data.work, 'tmp', match[1] as string)],
];

/**
 * Options appended by subcommand. Commander keeps the last value of an option, so these override
 * the docs' own. Two epochs: the gates start to move after the first (--gate-warmup-epochs 1).
 */
const SHORTER: Readonly<Record<string, readonly string[]>> = {
  train: ['--epochs', '2', '--train-subset', '256'],
  sweep: ['--subset', '0.005', '--epochs', '1'],
  'bench train': ['--steps', '2', '--warmup', '1'],
  // The default port may be taken; the server prints the URL it got.
  dashboard: ['--port', '0'],
};

/** Commands run as written although SHORTER has a rule for their subcommand, with the reason. */
export const AS_WRITTEN: ReadonlyMap<string, string> = new Map([
  [
    'npx catrain sweep --model lenet300 --data mnist --targets 0.3,0.5,0.7 --subset 0.2 --epochs 3 --out sweeps/l300',
    "the README's next commands ask recommend for a pilot with 95% accuracy, which these pilots reach (15-20 s)",
  ],
]);

/**
 * Scripts of the clone, other than catrain, that the docs tell a reader to run with `node`, with
 * options appended that make them small. They run from the work folder, so what they write lands
 * where the catrain commands after them look.
 */
const SCRIPTS: Readonly<Record<string, readonly string[]>> = {
  // 350 records instead of 4,900: the train commands after it take --train-subset 256.
  'dist/bench/timeseries/generate.js': ['--train', '280', '--test', '70'],
};

/** Subcommands that serve until stopped: started, fetched once and stopped. */
const SERVERS = new Set(['dashboard']);

/** Words that need a shell to mean what they say: the test runs commands without one. */
const SHELL_SYNTAX = /^(&&|\|\|?|;|&)$|^\d*[<>]|\$/;

export interface Step {
  command: DocCommand;
  /** What the test runs: the command with its placeholders replaced and shortening options appended. */
  argv: string[];
  server: boolean;
  /** Why it runs without the shortening options of its subcommand, if it does. */
  asWritten?: string;
}

export interface Plan {
  steps: Step[];
  /** The commands found in the NOT_RUN listing. */
  listed: { command: DocCommand; reason: string }[];
  problems: string[];
}

export const where = (command: DocCommand): string => `${command.file}:${command.line}: ${command.text}`;

export const isCatrain = (command: DocCommand): boolean => command.words[0] === 'npx' && command.words[1] === 'catrain';

/** The subcommand of an `npx catrain` command: its words up to the first option (`bench train`). */
export function subcommand(command: DocCommand): string[] {
  const rest = command.words.slice(2);
  const end = rest.findIndex((word) => word.startsWith('-'));
  return end < 0 ? rest : rest.slice(0, end);
}

function replacePlaceholder(word: string, data: TestData): string {
  for (const [pattern, replace] of PLACEHOLDERS) {
    const match = pattern.exec(word);
    if (match !== null) return replace(data, match);
  }
  return word;
}

/** The lists a plan follows: the test's own, or others for the test of the check itself. */
export interface Listings {
  notRun: ReadonlyMap<string, string>;
  asWritten: ReadonlyMap<string, string>;
}

export function plan(commands: readonly DocCommand[], data: TestData, { notRun, asWritten }: Listings = { notRun: NOT_RUN, asWritten: AS_WRITTEN }): Plan {
  const texts = new Set(commands.map((c) => c.text));
  const problems = [...notRun.keys(), ...asWritten.keys()]
    .filter((text) => !texts.has(text))
    .map((text) => `listed in test/docs/plan.ts, but no doc has it any more: ${text}`);
  const steps: Step[] = [];
  const listed: Plan['listed'] = [];
  for (const command of commands) {
    const reason = notRun.get(command.text);
    const script = command.words[0] === 'node' ? SCRIPTS[command.words[1] ?? ''] : undefined;
    if (reason !== undefined) {
      listed.push({ command, reason });
    } else if (script !== undefined) {
      const [, file = '', ...rest] = command.words;
      steps.push({ command, argv: [process.execPath, path.join(data.clone, file), ...rest.map((word) => replacePlaceholder(word, data)), ...script], server: false });
    } else if (!isCatrain(command)) {
      problems.push(`${where(command)}\n    neither run by the docs test nor listed in NOT_RUN (test/docs/plan.ts) with a reason`);
    } else if (command.words.some((word) => SHELL_SYNTAX.test(word))) {
      problems.push(`${where(command)}\n    needs a shell, which the docs test does not run commands through: list it in NOT_RUN or split it`);
    } else {
      const name = subcommand(command).join(' ');
      const why = asWritten.get(command.text);
      const extra = why === undefined ? (SHORTER[name] ?? []) : [];
      const argv = [...command.words.map((word) => replacePlaceholder(word, data)), ...extra];
      steps.push({ command, argv, server: SERVERS.has(name), ...(why === undefined ? {} : { asWritten: why }) });
    }
  }
  return { steps, listed, problems };
}
