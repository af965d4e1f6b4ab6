export type { Comm, DisplayChannel, MimeBundle, MimeMetadata } from "./channel.js";
export { displayChannel, setDisplayChannel } from "./channel.js";
