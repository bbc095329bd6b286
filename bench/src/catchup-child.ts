// One catch-up (catchUpOnce) in a process of its own, forked by catchupPhase. The projector role runs in a process
// of its own too; in the bench's process every garbage collection would also walk what the bench holds.
import { readFileSync } from 'node:fs';
import { projectorBatchSize } from '../../apps/ledger/src/config/ledger-config';
import { catchUpOnce, type CatchUpRun } from './catchup-bench';

export interface CatchUpChildReply {
  run?: CatchUpRun;
  /** VmHWM of the catch-up process, MiB. */
  peakRssMb?: number | null;
  error?: string;
}

const [databaseUrl, events, position] = process.argv.slice(2);
const send = process.send?.bind(process);
if (!databaseUrl || !events || !position || !send) throw new Error('forked by catchupPhase with [databaseUrl, events, position]');
const reply = (message: CatchUpChildReply, code: number): void => void send(message, () => process.exit(code));
// PROJECTOR_BATCH_SIZE as the projector role reads it (the same bounds); unset: the projector's default.
Promise.resolve()
  .then(() => catchUpOnce(databaseUrl, { events: Number(events), position: BigInt(position) }, optionalBatchSize(process.env.PROJECTOR_BATCH_SIZE)))
  .then(
    (run) => reply({ run, peakRssMb: peakRssMb() }, 0),
    (error: unknown) => reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 1),
  );

function peakRssMb(): number | null {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : null;
}

function optionalBatchSize(raw: string | undefined): number | undefined {
  const parsed = projectorBatchSize.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}
