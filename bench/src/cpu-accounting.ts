import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the machine's CPU went during a phase (Linux /proc): this bench process, the ledger service, the
 * PostgreSQL server, and everything else. On a shared 2-core machine "everything else" explains many a figure.
 */
export interface CpuSplit {
  wallS: number;
  bench: number;
  service: number;
  postgres: number;
  other: number;
  /** Cores' worth of idle time. */
  idle: number;
}

interface Snapshot {
  at: number;
  machineBusy: number;
  machineIdle: number;
  bench: number;
  service: number;
  postgres: number;
}

const TICK_S = 0.01; // CLK_TCK is 100 on Linux

function readStat(pid: number): { ppid: number; ticks: number; reapedChildrenTicks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the command: state ppid ... utime(11) stime(12) cutime(13) cstime(14), 0-based from state.
    const reapedChildrenTicks = Number(fields[13]) + Number(fields[14]);
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + reapedChildrenTicks, reapedChildrenTicks };
  } catch {
    return null;
  }
}

function machine(): { busy: number; idle: number } | null {
  try {
    const parts = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = parts;
    return { busy: user + nice + system + irq + softirq + steal, idle: idle + iowait };
  } catch {
    return null;
  }
}

/** CPU ticks of a process and all its descendants (reaped children included through cutime/cstime). */
function treeTicks(rootPid: number | null): number {
  if (rootPid === null) return 0;
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    ticks.set(pid, stat.ticks);
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

export class CpuAccounting {
  servicePid: number | null = null;

  constructor(private readonly postgresPid: () => number | null) {}

  snapshot(): Snapshot | null {
    const m = machine();
    if (!m) return null;
    const own = process.cpuUsage();
    return {
      at: Date.now(),
      machineBusy: m.busy,
      machineIdle: m.idle,
      bench: (own.user + own.system) / 1e6,
      // The service's tree while it runs, plus the bench's children that have exited: the catch-up's projector
      // processes. A stopped service is reaped after its phase's last snapshot, so it never counts twice.
      service: (treeTicks(this.servicePid) + (readStat(process.pid)?.reapedChildrenTicks ?? 0)) * TICK_S,
      postgres: treeTicks(this.postgresPid()) * TICK_S,
    };
  }

  /** Cores used on average between two snapshots. The service is counted if it lived through both. */
  split(before: Snapshot | null, after: Snapshot | null): CpuSplit | null {
    if (!before || !after) return null;
    const wallS = (after.at - before.at) / 1000;
    if (wallS <= 0) return null;
    const busy = (after.machineBusy - before.machineBusy) * TICK_S;
    const bench = after.bench - before.bench;
    const service = Math.max(0, after.service - before.service);
    const postgres = Math.max(0, after.postgres - before.postgres);
    const cores = (seconds: number): number => Math.round((seconds / wallS) * 100) / 100;
    return {
      wallS: Math.round(wallS * 10) / 10,
      bench: cores(bench),
      service: cores(service),
      postgres: cores(postgres),
      other: cores(Math.max(0, busy - bench - service - postgres)),
      idle: cores((after.machineIdle - before.machineIdle) * TICK_S),
    };
  }
}
