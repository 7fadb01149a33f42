export * from "./events.ts";
export * from "./overrides.ts";
export * from "./render.ts";
export * from "./sms.ts";
export * from "./smsSettings.ts";
export * from "./templates.ts";
export * from "./variables.ts";
