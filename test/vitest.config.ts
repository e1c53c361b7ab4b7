import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

/** A project whose tests run inside workerd with the Worker's bindings, against the bridge `proxy`. */
function workersProject(
  name: string,
  proxy: "dbProxy" | "dbFaultProxy",
  test: { include: string[]; exclude?: string[]; fileParallelism?: boolean },
) {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: "./src/worker.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            APP_ENV: "test",
            JWT_SECRET: "test-secret-that-is-long-enough-for-hs256-0123456789",
            DATABASE_URL: inject("databaseUrl"),
            DB_WS_PROXY: inject(proxy),
            // Short windows so the rate-limit tests trip and recover in seconds. IP rules only count
            // requests that carry CF-Connecting-IP, which only those tests send.
            RATE_LIMITS: "signup_ip=3/2,login_ip=3/2,login_account_ip=2/60,refresh_ip=3/2,ticket_ip=3/2",
            // `npm run test:soak` sets it: the resilience suites raise their counts and durations.
            VCME_SOAK: process.env.VCME_SOAK ?? "",
          },
        },
      })),
    ],
    test: {
      name,
      globalSetup: ["test/global-setup.ts"],
      setupFiles: ["test/workers/support/warm-up.ts"],
      // Real sockets and PostgreSQL on a shared, sometimes heavily loaded machine: more than the default 5 s
      // (files that need longer set their own).
      testTimeout: 30_000,
      ...test,
    },
  };
}

export default defineConfig({
  test: {
    root,
    // CI asks for a JSON report as well (VCME_TEST_REPORT=path) to print one closing tally.
    reporters: process.env.VCME_TEST_REPORT
      ? ["default", ["json", { outputFile: process.env.VCME_TEST_REPORT }]]
      : ["default"],
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["test/unit/**/*.test.ts"],
        },
      },
      workersProject("workers", "dbProxy", {
        include: ["test/workers/**/*.test.ts"],
        exclude: ["test/workers/**/*.faults.test.ts"],
      }),
      // Tests that take the database away run against their own bridge, one file at a time, so the
      // outage never reaches the ordinary tests running beside them.
      workersProject("workers-faults", "dbFaultProxy", {
        include: ["test/workers/**/*.faults.test.ts"],
        fileParallelism: false,
      }),
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/support/global-setup.ts"],
          // One dev stack and a 2-core machine: browser files run one after another.
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "net",
          environment: "node",
          include: ["test/net/**/*.test.ts"],
          globalSetup: ["test/net/support/global-setup.ts"],
          // One lab, one set of browsers at a time.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Calls between Chromium and Firefox (`npm run test:interop`), on the e2e tests' dev stack.
          name: "interop",
          environment: "node",
          include: ["test/interop/**/*.test.ts"],
          globalSetup: ["test/e2e/support/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
