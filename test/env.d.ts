import type { Env as WorkerEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      /** "1" under `npm run test:soak`: the resilience suites run longer and bigger. */
      VCME_SOAK?: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/worker");
      durableNamespaces: "CallRoom" | "RateLimiter";
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbProxy: string;
    dbKind: string;
    dbFaultProxy: string;
    dbControl: string;
    /** The local stand-in of Cloudflare's TURN credentials API (test/turn-stand-in.ts). */
    turnStandIn: { base: string; keyId: string; token: string };
  }
}
