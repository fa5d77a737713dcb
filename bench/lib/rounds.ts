/**
 * Repeated rounds of a scenario (`--repeat`): the round with the median throughput stands for the
 * scenario, and every round's throughput is kept, so a noisy machine shows as a spread, not as a result.
 */
export class Rounds<T extends { id: string }> {
  private readonly byVariant = new Map<string, T[]>();

  constructor(private readonly throughput: (result: T) => number) {}

  add(variant: string, result: T): void {
    this.byVariant.set(variant, [...(this.byVariant.get(variant) ?? []), result]);
  }

  /** One result per variant, in the order first seen, with `rounds` listing every round's throughput. */
  medians(): Array<T & { rounds?: number[] }> {
    return [...this.byVariant.values()].map((runs) => {
      const sorted = [...runs].sort((a, b) => this.throughput(a) - this.throughput(b));
      const median = sorted[Math.floor((sorted.length - 1) / 2)];
      return runs.length > 1 ? { ...median, rounds: runs.map(this.throughput) } : median;
    });
  }
}
