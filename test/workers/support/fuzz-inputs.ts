import fc from "fast-check";

/** JSON nested `depth` levels deep, as text (arrays, or objects under key "a"). */
export function nestedJson(depth: number, kind: "array" | "object" = "array"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Bytes that are not valid UTF-8 (lone continuation bytes, overlong forms, surrogates, 0xFF). */
export const invalidUtf8 = fc
  .array(
    fc.constantFrom(
      [0x80],
      [0xbf],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xff],
      [0xfe],
    ),
    { minLength: 1, maxLength: 8 },
  )
  .chain((bad) =>
    fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([before, after]) => {
      const encoder = new TextEncoder();
      return new Uint8Array([...encoder.encode(before), ...bad.flat(), ...encoder.encode(after)]);
    }),
  );

/** Any JSON value, including ones no schema expects (deep, wide, odd strings, big numbers). */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -1, 1e308, "", "\u0000", "\ud800", [], {}) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: "binary", maxLength: 200 }),
  },
);

/**
 * A value for one field of a schema that expects `kind`: usually the wrong type, sometimes the right type
 * with a hostile value (empty, huge, control characters, lone surrogates).
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: anyJson },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "a".repeat(5000),
      "\u0000",
      "line\nbreak",
      "\ud800\udc00\ud800",
      "<script>alert(1)</script>",
      "'; drop table users; --",
      "%00",
      "../../etc/passwd",
      "x@y",
      "0".repeat(64),
      "g".repeat(64),
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 300 }) },
);

/** An object with the given keys (each present or missing, each a hostile value) plus maybe extra keys. */
export function hostileRecord(keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      fc.record(Object.fromEntries(keys.map((k) => [k, hostileValue])), { requiredKeys: [] }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), anyJson, { maxKeys: 3 }),
    )
    .map(([known, extra]) => ({ ...extra, ...known }));
}

/** A body as sent on the wire: JSON text, broken JSON, huge or deeply nested JSON, or invalid UTF-8. */
export type WireBody = { kind: string; body: string | Uint8Array };

export function hostileBody(keys: readonly string[]): fc.Arbitrary<WireBody> {
  return fc.oneof(
    { weight: 6, arbitrary: hostileRecord(keys).map((v) => ({ kind: "object", body: JSON.stringify(v) })) },
    { weight: 2, arbitrary: anyJson.map((v) => ({ kind: "any json", body: JSON.stringify(v) ?? "null" })) },
    {
      weight: 1,
      arbitrary: fc.string({ maxLength: 80 }).map((s) => ({ kind: "broken json", body: `{"${s}` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1_000, max: 7_000 })
        .chain((d) => fc.constantFrom<"array" | "object">("array", "object").map((k) => ({ d, k })))
        .map(({ d, k }) => ({ kind: "deeply nested", body: nestedJson(d, k) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 17 * 1024, max: 1024 * 1024 })
        .map((n) => ({ kind: "huge", body: JSON.stringify({ [keys[0] ?? "x"]: "x".repeat(n) }) })),
    },
    { weight: 1, arbitrary: invalidUtf8.map((bytes) => ({ kind: "invalid utf-8", body: bytes })) },
  );
}

/** Counts outcomes by label and prints them as one line, e.g. "422×310 401×12". */
export class Tally {
  private readonly counts = new Map<string, number>();
  total = 0;

  add(label: string | number, n = 1): void {
    this.total += n;
    this.counts.set(String(label), (this.counts.get(String(label)) ?? 0) + n);
  }

  get(label: string | number): number {
    return this.counts.get(String(label)) ?? 0;
  }

  toString(): string {
    return [...this.counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, n]) => `${label}×${n}`)
      .join(" ");
  }
}
