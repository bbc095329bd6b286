import { readFileSync } from 'node:fs';

/**
 * The Node flags of `npm run start:prod` in the package.json at `packageJsonPath` (the Dockerfile's CMD repeats them):
 * what the bench and the tests start the service and the projector with, so they run it as it is deployed.
 */
export function startProdNodeFlags(packageJsonPath: string): string[] {
  const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { scripts: Record<string, string> };
  return (packageJson.scripts['start:prod'] ?? '').split(/\s+/).filter((word) => word.startsWith('--'));
}

/** `--max-semi-space-size=32` → `--max-semi-space-size`. */
export const nodeFlagName = (flag: string): string => flag.split('=', 1)[0] ?? flag;
