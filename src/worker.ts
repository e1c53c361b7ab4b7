import { createApp } from "./http/app";

export { CallRoom } from "./room/CallRoom";

export default createApp();
