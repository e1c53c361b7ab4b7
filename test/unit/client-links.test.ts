import { describe, expect, it } from "vitest";
import { callPath, loginPath, parseCallLink, safeNext } from "../../client/src/api/links";

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

describe("where to go after logging in", () => {
  it("follows a same-site path", () => {
    expect(safeNext("/settings")).toBe("/settings");
    expect(safeNext("/call/team-standup-abcdefghij")).toBe("/call/team-standup-abcdefghij");
  });

  it.each([
    [undefined],
    [""],
    ["https://evil.example/"],
    ["//evil.example/"],
    ["/\\evil.example"],
    ["javascript:alert(1)"],
    ["/login?next=%2Fsettings"],
    ["/signup"],
  ])("goes home instead of %j", (next) => {
    expect(safeNext(next)).toBe("/");
  });

  it("makes a log-in link that comes back here", () => {
    expect(loginPath("/call/abc-defghijklm")).toBe("/login?next=%2Fcall%2Fabc-defghijklm");
    expect(loginPath("/")).toBe("/login");
  });
});
