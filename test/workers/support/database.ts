import { inject } from "vitest";

/** Takes the database away from the Worker (the bridge refuses connections) until `databaseUp()`. */
export async function databaseDown(): Promise<void> {
  await fetch(`${inject("dbControl")}/down`, { method: "POST" });
}

/** Brings the database back after `databaseDown()`. */
export async function databaseUp(): Promise<void> {
  await fetch(`${inject("dbControl")}/up`, { method: "POST" });
}
