/** Exit codes scripts can rely on (every `tinyml` subcommand returns one of these). */
export const EXIT = { ok: 0, failure: 1, usage: 2, badInput: 3 } as const;
