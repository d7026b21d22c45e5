/**
 * The headless `tinyml` command: the same core as the app, for batch work and CI.
 * Each subcommand lives in `commands/<name>.ts` and exports `command` (`defineCommand`: an option spec
 * and a run function); every one runs through the same guard (`runCommand`, src/cli/command.ts), so
 * flags, output paths, errors and exit codes (src/cli/exit-codes.ts) behave alike.
 */
import { echo } from '../core/echo.ts';
import { EXIT } from './exit-codes.ts';

/** A command module exports `command` (defineCommand) and `run = (args) => runCommand(command, args)`. */
type Entry = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const commands = new Map<string, Entry>([
  ['train', { summary: 'train an impulse on a CSV dataset folder', load: () => import('./commands/train.ts') }],
  ['features', { summary: 'compute DSP features for every window of a dataset', load: () => import('./commands/features.ts') }],
  ['predict', { summary: 'classify a dataset folder with a trained model', load: () => import('./commands/predict.ts') }],
  ['convert', { summary: 'convert datasets between CSV layout, EI JSON and project zip', load: () => import('./commands/convert.ts') }],
  ['tune', { summary: 'search the impulse with the best int8 accuracy that fits a board', load: () => import('./commands/tune.ts') }],
  ['uf2', { summary: 'wrap a binary image into a UF2 file', load: () => import('./commands/uf2.ts') }],
  ['deploy', { summary: 'write a trained model as a UF2 or model-slot file for a board', load: () => import('./commands/deploy.ts') }],
]);

function usage(): string {
  const lines = ['usage: tinyml <command> [options]', '', 'commands:'];
  for (const [name, c] of commands) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `tinyml <command> --help` for its options; --debug prints the stack of an unexpected error.');
  lines.push('Exit codes: 0 ok, 1 failure, 2 usage error, 3 bad input.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // A leading --debug applies to the command that follows.
  const lead = argv[0] === '--debug' ? 1 : 0;
  const [name, ...rest] = argv.slice(lead);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const entry = commands.get(name);
  if (!entry) {
    console.error(`tinyml: unknown command ${echo(name)}. Run \`tinyml --help\` for the list.`);
    return EXIT.usage;
  }
  const mod = await entry.load();
  return mod.run(lead ? ['--debug', ...rest] : rest);
}
