import { createApp } from "./http/app";

export { RateLimiter } from "./rate-limit/RateLimiter";
export { CallRoom } from "./room/CallRoom";

export default createApp();
