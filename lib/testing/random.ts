/**
 * A small seeded generator for the differential suite, so the kit needs no property-testing
 * library at run time: the same seed gives the same data and queries, which is what a failure
 * report needs to be replayed.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One of the makers, chosen by weight. */
  weighted<T>(...options: [number, () => T][]): T {
    let roll = this.next() * options.reduce((sum, [w]) => sum + w, 0);
    for (const [weight, make] of options) {
      roll -= weight;
      if (roll < 0) return make();
    }
    return (options[options.length - 1] as [number, () => T])[1]();
  }

  array<T>(max: number, make: () => T, min = 0): T[] {
    return Array.from({ length: this.int(min, max) }, make);
  }

  /** undefined one time in three, as a missing attribute. */
  maybe<T>(make: () => T): T | undefined {
    return this.chance(1 / 3) ? undefined : make();
  }
}
