/**
 * The parent's side of the probe preloaded into our apps: CPU profile of the measured window only
 * (with --profile), and the V8 heap at the end of the load, to explain the peak RSS.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './bench-context';
import type { ChildHandle } from './child-process';

export interface HeapReport {
  rssMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  /** Heap still used after a forced full collection: the live data. */
  liveHeapMb: number;
  /** Size of each V8 heap space, MB (new_space is the young generation). */
  spacesMb: Record<string, number>;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

export class AppProbe {
  constructor(
    private readonly ctx: BenchContext,
    private readonly child: ChildHandle,
    /** File name of the profile, without extension. */
    private readonly name: string,
  ) {}

  async startProfile(): Promise<void> {
    if (!this.ctx.options.profile) return;
    this.child.send({ type: 'probe:profile-start' });
    await this.child.waitFor('probe:profile-started', 10_000);
  }

  /** Writes the profile to bench/results/profiles/<name>.cpuprofile; undefined without --profile. */
  async stopProfile(): Promise<string | undefined> {
    if (!this.ctx.options.profile) return undefined;
    const dir = join(this.ctx.options.resultsDir, 'profiles');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${this.name}.cpuprofile`);
    this.child.send({ type: 'probe:profile-stop', path });
    await this.child.waitFor('probe:profile-written', 30_000);
    return path;
  }

  async heap(): Promise<HeapReport | undefined> {
    try {
      this.child.send({ type: 'probe:memory' });
      const { usage, spacesMb, afterGc } = await this.child.waitFor<{
        type: string;
        usage: NodeJS.MemoryUsage;
        afterGc: NodeJS.MemoryUsage;
        spacesMb: Record<string, number>;
      }>('probe:memory', 10_000);
      return {
        rssMb: mb(usage.rss),
        heapTotalMb: mb(usage.heapTotal),
        heapUsedMb: mb(usage.heapUsed),
        externalMb: mb(usage.external),
        liveHeapMb: mb(afterGc.heapUsed),
        spacesMb,
      };
    } catch {
      return undefined;
    }
  }
}
