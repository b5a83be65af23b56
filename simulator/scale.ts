export type ScalePreset = "demo" | "small" | "medium" | "large";
export type ScaleOption = ScalePreset | { sales: number };

export interface ScaleCounts {
  sales: number;
  customers: number;
  /** Product families and standalone products before variants are expanded. */
  productGroups: number;
  users: number;
}

const PRESET_SALES: Record<ScalePreset, number> = {
  demo: 300,
  small: 5_000,
  medium: 50_000,
  // 1–8 lines per sale (mean 4.5) gives about 1.35 million line items.
  large: 300_000,
};

export function resolveScale(scale: ScaleOption): ScaleCounts {
  const sales = typeof scale === "string" ? PRESET_SALES[scale] : scale.sales;
  if (sales === undefined || !Number.isInteger(sales) || sales < 0) {
    throw new Error(`Unknown scale ${JSON.stringify(scale)}`);
  }
  return {
    sales,
    customers: clamp(Math.round(sales / 8), 80, 40_000),
    productGroups: clamp(Math.round(sales / 60), 30, 3_000),
    users: clamp(Math.round(sales / 20_000), 6, 40),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
