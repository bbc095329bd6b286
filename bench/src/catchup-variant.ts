import type { CatchUpProcess } from './catchup-bench';

/** One way of running the forked catch-up, named for the report. */
export interface CatchUpVariant extends Required<CatchUpProcess> {
  name: string;
}

const NAME = /^[A-Za-z0-9._-]+$/;
const NODE_FLAG = /^--[a-z0-9-]+(=\S+)?$/;
const DROPPED_FLAG = /^!--[a-z0-9-]+$/;
const ENV = /^([A-Z_][A-Z0-9_]*)=(.*)$/;

/**
 * `name` or `name:token,token,…`. A token `--flag[=value]` adds a Node flag to `start:prod`'s, `!--flag` leaves
 * `start:prod`'s flag of that name out, `KEY=VALUE` sets the catch-up's environment (`PROJECTOR_BATCH_SIZE` is read).
 * `shipped` alone is the catch-up as deployed.
 */
export function parseCatchUpVariant(spec: string): CatchUpVariant {
  const separator = spec.indexOf(':');
  const name = separator === -1 ? spec : spec.slice(0, separator);
  if (!NAME.test(name)) throw new Error(`--variant ${JSON.stringify(spec)}: the name must be letters, digits, '.', '_' or '-'`);
  const nodeFlags: string[] = [];
  const droppedFlags: string[] = [];
  const env: Record<string, string> = {};
  for (const token of separator === -1 ? [] : spec.slice(separator + 1).split(',')) {
    const assignment = ENV.exec(token);
    if (NODE_FLAG.test(token)) nodeFlags.push(token);
    else if (DROPPED_FLAG.test(token)) droppedFlags.push(token.slice(1));
    else if (assignment?.[1] !== undefined) env[assignment[1]] = assignment[2] ?? '';
    else throw new Error(`--variant ${JSON.stringify(spec)}: ${JSON.stringify(token)} is none of --flag[=value], !--flag, KEY=VALUE`);
  }
  return { name, nodeFlags, droppedFlags, env };
}
