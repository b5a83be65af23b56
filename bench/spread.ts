// Repeated measurements as one figure: the median, with the lowest and highest beside it.

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Every measurement, in the order taken. */
  values: number[];
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error("A spread needs at least one measurement");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1)!, values: [...values] };
}
