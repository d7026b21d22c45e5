/**
 * The headless `tinyml` command: the same core as the app, for batch work and CI.
 * Each subcommand lives in `commands/<name>.ts` and exports `run(args): Promise<number>` (exit code).
 */
import { StudioError } from '../core/errors.ts';
import { EXIT } from './exit-codes.ts';

type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  train: { summary: 'train an impulse on a CSV dataset folder', load: () => import('./commands/train.ts') },
  features: { summary: 'compute DSP features for every window of a dataset', load: () => import('./commands/features.ts') },
  predict: { summary: 'classify a dataset folder with a trained model', load: () => import('./commands/predict.ts') },
  convert: { summary: 'convert datasets between CSV layout, EI JSON and project zip', load: () => import('./commands/convert.ts') },
  uf2: { summary: 'wrap a binary image into a UF2 file', load: () => import('./commands/uf2.ts') },
  tune: { summary: 'search the impulse with the best int8 accuracy that fits a board', load: () => import('./commands/tune.ts') },
  deploy: { summary: 'write a trained model as a UF2 or model-slot file for a board', load: () => import('./commands/deploy.ts') },
};


function usage(): string {
  const lines = ['usage: tinyml <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `tinyml <command> --help` for its options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`tinyml: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    const mod = await cmd.load();
    return await mod.run(rest);
  } catch (e) {
    if (e instanceof StudioError) {
      console.error(`tinyml ${name}: ${e.describe()}`);
      return e.family === 'config' ? EXIT.usage : EXIT.badInput;
    }
    console.error(`tinyml ${name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return EXIT.failure;
  }
}
