/**
 * Peak memory and CPU use of a process under load, read from /proc (Linux). Elsewhere the
 * figures are reported as null rather than guessed.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessUsage {
  /** Highest resident set size seen, in MB (VmHWM, or the highest sample when larger). */
  peakRssMb: number | null;
  /** CPU time used during the sampled window divided by its wall time (1.0 = one full core). */
  cpuCores: number | null;
}

function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is parenthesised and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** PIDs of every process whose command name is `comm` (e.g. all PostgreSQL backends). */
export function pidsNamed(comm: string): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

/** Busy and total CPU time of the whole machine, in clock ticks (/proc/stat). */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = fields[3] + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Cores' worth of CPU the whole machine used from `start()` to `stop()`: how much else was running. */
export class MachineSampler {
  private atStart = machineTicks();
  private startedAt = performance.now();

  start(): this {
    this.atStart = machineTicks();
    this.startedAt = performance.now();
    return this;
  }

  stop(): number | null {
    const now = machineTicks();
    const wallSec = (performance.now() - this.startedAt) / 1000;
    if (!now || !this.atStart || wallSec <= 0) return null;
    return round((now.busy - this.atStart.busy) / CLOCK_TICKS_PER_SECOND / wallSec, 2);
  }
}

/** CPU of a group of processes (the PostgreSQL server and its backends), summed. */
export class GroupCpuSampler {
  private atStart = new Map<number, number>();
  private startedAt = 0;

  /** `pids` is read at start and at stop: a process born in between (a new backend) used all its CPU inside the window. */
  constructor(private readonly pids: () => number[]) {}

  start(): this {
    this.atStart = this.read();
    this.startedAt = performance.now();
    return this;
  }

  stop(): number | null {
    const now = this.read();
    const wallSec = (performance.now() - this.startedAt) / 1000;
    if (now.size === 0 || wallSec <= 0) return null;
    let used = 0;
    for (const [pid, cpu] of now) used += cpu - (this.atStart.get(pid) ?? 0);
    return round(used / wallSec, 2);
  }

  private read(): Map<number, number> {
    const cpu = new Map<number, number>();
    for (const pid of this.pids()) {
      const seconds = cpuSeconds(pid);
      if (seconds !== null) cpu.set(pid, seconds);
    }
    return cpu;
  }
}

/** Samples one process from `start()` to `stop()`. */
export class ProcessSampler {
  private timer?: NodeJS.Timeout;
  private peakKb = 0;
  private cpuAtStart: number | null = null;
  private startedAt = 0;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 200,
  ) {}

  start(): this {
    this.cpuAtStart = cpuSeconds(this.pid);
    this.startedAt = performance.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): ProcessUsage {
    clearInterval(this.timer);
    this.sample();
    const hwm = readStatusKb(this.pid, 'VmHWM');
    const peakKb = Math.max(this.peakKb, hwm ?? 0);
    const cpuNow = cpuSeconds(this.pid);
    const wallSec = (performance.now() - this.startedAt) / 1000;
    return {
      peakRssMb: peakKb > 0 ? round(peakKb / 1024, 1) : null,
      cpuCores: cpuNow !== null && this.cpuAtStart !== null && wallSec > 0 ? round((cpuNow - this.cpuAtStart) / wallSec, 2) : null,
    };
  }

  private sample(): void {
    const rss = readStatusKb(this.pid, 'VmRSS');
    if (rss !== null && rss > this.peakKb) this.peakKb = rss;
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface WindowUsage {
  /** Per role (server, load generator, Redis, …). */
  processes: Record<string, ProcessUsage>;
  /** Every PostgreSQL process together. */
  postgresCores: number | null;
  /** The whole machine: well above the sum of ours means other work competed for the cores. */
  machineCores: number | null;
}

/** Samples the processes of one measured window by role, plus PostgreSQL and the whole machine. */
export class WindowSampler {
  private readonly samplers: Array<[string, ProcessSampler]>;
  private readonly postgres = new GroupCpuSampler(() => pidsNamed('postgres'));
  private readonly machine = new MachineSampler();

  constructor(pids: Record<string, number | undefined>) {
    this.samplers = Object.entries(pids)
      .filter((entry): entry is [string, number] => entry[1] !== undefined && entry[1] > 0)
      .map(([role, pid]) => [role, new ProcessSampler(pid)]);
  }

  start(): this {
    for (const [, sampler] of this.samplers) sampler.start();
    this.postgres.start();
    this.machine.start();
    return this;
  }

  stop(): WindowUsage {
    return {
      processes: Object.fromEntries(this.samplers.map(([role, sampler]) => [role, sampler.stop()])),
      postgresCores: this.postgres.stop(),
      machineCores: this.machine.stop(),
    };
  }
}
