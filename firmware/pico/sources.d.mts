export const repoRoot: string;
export function firmwareSourceFiles(root?: string): string[];
export function firmwareSourcesSha256(root?: string): string;
