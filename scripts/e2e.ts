// `npm run test:e2e`: the browser tests (test/e2e) against the real dev stack in real Chromium.
// Where the machine allows it (root, util-linux `unshare`), everything runs inside a private network
// namespace whose only interface is loopback, so browsers, WebRTC media and servers cannot reach any
// other address. VCME_E2E_NETNS=0 skips that (e.g. on a laptop without root).
import { canUnshareNetwork, runVitestProject } from "./vitest-netns.ts";

const wanted = process.env.VCME_E2E_NETNS !== "0" && process.env.VCME_IN_NETNS !== "1";
runVitestProject("e2e", wanted && canUnshareNetwork());
