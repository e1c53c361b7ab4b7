import { describe, expect, it } from "vitest";
import { callPath, parseCallLink } from "../../client/src/api/links";

const slug = "team-standup-abcdefghij234567";

describe("parsing what people paste into Call link", () => {
  it.each([
    [slug],
    [`  ${slug}  `],
    [`https://vcme.example/call/${slug}`],
    [`https://vcme.example/call/${slug}/`],
    [`https://vcme.example/call/${slug}?utm=mail#top`],
    [`http://127.0.0.1:8787/embed/${slug}`],
    [`vcme.example/call/${slug}`],
    [`/call/${slug}`],
    [`HTTPS://VCME.EXAMPLE/CALL/${slug.toUpperCase()}`],
  ])("finds the call in %j", (input) => {
    expect(parseCallLink(input)).toBe(slug);
  });

  it.each([
    [""],
    ["   "],
    ["hello world"],
    ["hello"],
    ["https://vcme.example/"],
    ["https://vcme.example/call/"],
    ["https://vcme.example/call/a/b"],
    ["javascript:alert(1)"],
    ["-starts-with-dash"],
    [`${"a".repeat(101)}`],
    ["%E0%A4%A"],
  ])("refuses %j", (input) => {
    expect(parseCallLink(input)).toBeNull();
  });

  it("builds the join page path for a link", () => {
    expect(callPath(slug)).toBe(`/call/${slug}`);
  });
});
