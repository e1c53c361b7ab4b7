import type { Env as WorkerEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof import("../src/worker");
      durableNamespaces: "CallRoom";
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbProxy: string;
    dbKind: string;
    dbControl: string;
  }
}
