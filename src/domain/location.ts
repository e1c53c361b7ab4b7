/**
 * The Durable Object location hints Cloudflare documents
 * (https://developers.cloudflare.com/durable-objects/reference/data-location/): the one list the Worker
 * chooses from and accepts back from a ticket.
 */
export const LOCATION_HINTS = [
  "wnam",
  "enam",
  "sam",
  "weur",
  "eeur",
  "apac",
  "oc",
  "afr",
  "me",
] as const satisfies readonly DurableObjectLocationHint[];

export type LocationHint = (typeof LOCATION_HINTS)[number];

const KNOWN_HINTS: ReadonlySet<string> = new Set(LOCATION_HINTS);

/** Whether a stored or claimed value is one of `LOCATION_HINTS`. */
export const isLocationHint = (hint: string | undefined): hint is LocationHint =>
  hint !== undefined && KNOWN_HINTS.has(hint);

// Countries of eastern Europe (incl. the Baltics and Balkans) whose traffic is closer to an eeur region.
const EASTERN_EUROPE = new Set([
  "BY",
  "BG",
  "CZ",
  "EE",
  "GE",
  "HU",
  "LT",
  "LV",
  "MD",
  "PL",
  "RO",
  "RU",
  "SK",
  "UA",
  "RS",
  "BA",
  "ME",
  "MK",
  "AL",
  "XK",
  "HR",
  "SI",
  "GR",
  "CY",
  "TR",
  "AM",
  "AZ",
]);
// The Middle East sits in Cloudflare's "AS" continent; its own hint keeps those calls nearby.
const MIDDLE_EAST = new Set([
  "AE",
  "BH",
  "IL",
  "IQ",
  "IR",
  "JO",
  "KW",
  "LB",
  "OM",
  "PS",
  "QA",
  "SA",
  "SY",
  "YE",
]);

/** Where to place a call's room, from where its host created it; null when unknown. */
export function locationHintFor(cf: unknown): LocationHint | null {
  if (typeof cf !== "object" || cf === null) return null;
  // Only `continent`, `country` and `longitude` of `request.cf` are read, each checked for its type.
  const geo = cf as { continent?: unknown; country?: unknown; longitude?: unknown };
  const continent = typeof geo.continent === "string" ? geo.continent : undefined;
  const country = typeof geo.country === "string" ? geo.country.toUpperCase() : undefined;
  switch (continent) {
    case "NA": {
      // Split North America at roughly the Mississippi; without a longitude, assume the populous east.
      const longitude = Number(geo.longitude);
      return Number.isFinite(longitude) && longitude < -100 ? "wnam" : "enam";
    }
    case "SA":
      return "sam";
    case "EU":
      return country && EASTERN_EUROPE.has(country) ? "eeur" : "weur";
    case "AS":
      return country && MIDDLE_EAST.has(country) ? "me" : "apac";
    case "OC":
      return "oc";
    case "AF":
      return "afr";
    default:
      return null;
  }
}
