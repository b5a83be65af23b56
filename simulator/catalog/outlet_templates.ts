/** A real-looking store location; outlets cycle through these. */
export interface OutletTemplate {
  name: string;
  code: string;
  timeZone: string;
  utcOffsetHours: number;
  city: string;
  country: string;
  taxName: string;
  taxRate: number;
  displayPrices: "inclusive" | "exclusive";
}

export const OUTLET_TEMPLATES: OutletTemplate[] = [
  {
    name: "Auckland Ponsonby",
    code: "AKL",
    timeZone: "Pacific/Auckland",
    utcOffsetHours: 12,
    city: "Auckland",
    country: "NZ",
    taxName: "GST",
    taxRate: 0.15,
    displayPrices: "inclusive",
  },
  {
    name: "New York SoHo",
    code: "NYC",
    timeZone: "America/New_York",
    utcOffsetHours: -5,
    city: "New York",
    country: "US",
    taxName: "NY Sales Tax",
    taxRate: 0.08875,
    displayPrices: "exclusive",
  },
  {
    name: "London Shoreditch",
    code: "LDN",
    timeZone: "Europe/London",
    utcOffsetHours: 0,
    city: "London",
    country: "GB",
    taxName: "VAT",
    taxRate: 0.2,
    displayPrices: "inclusive",
  },
  {
    name: "Sydney Surry Hills",
    code: "SYD",
    timeZone: "Australia/Sydney",
    utcOffsetHours: 10,
    city: "Sydney",
    country: "AU",
    taxName: "GST AU",
    taxRate: 0.1,
    displayPrices: "inclusive",
  },
  {
    name: "Los Angeles Venice",
    code: "LAX",
    timeZone: "America/Los_Angeles",
    utcOffsetHours: -8,
    city: "Los Angeles",
    country: "US",
    taxName: "CA Sales Tax",
    taxRate: 0.0975,
    displayPrices: "exclusive",
  },
];

/** One template per outlet, cycling when there are more outlets than templates. */
export function outletTemplates(outletCount: number): OutletTemplate[] {
  return Array.from(
    { length: outletCount },
    (_, i) => OUTLET_TEMPLATES[i % OUTLET_TEMPLATES.length],
  );
}
