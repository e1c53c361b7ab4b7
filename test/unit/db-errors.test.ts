import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, isConnectionError } from "../../src/db/client";

describe("telling a lost database connection from a failed query", () => {
  it("counts an unreachable database and transport failures as connection errors", () => {
    expect(isConnectionError(new DatabaseUnavailableError("down"))).toBe(true);
    expect(isConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionError(Object.assign(new Error("admin shutdown"), { code: "57P01" }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error("connection failure"), { code: "08006" }))).toBe(true);
  });

  it("sees through drizzle's wrapper to the lost connection underneath (answered 503, not 500)", () => {
    const wrapped = new Error("Failed query: select 1", {
      cause: new Error("Connection terminated unexpectedly"),
    });
    expect(isConnectionError(wrapped)).toBe(true);
  });

  it("does not count errors the server raised about the query itself", () => {
    const unique = Object.assign(
      new Error('duplicate key value violates unique constraint "users_email_lower_key"'),
      {
        code: "23505",
      },
    );
    expect(isConnectionError(unique)).toBe(false);
    expect(isConnectionError(new Error("Failed query: insert …", { cause: unique }))).toBe(false);
    expect(isConnectionError("not an error")).toBe(false);
  });
});
