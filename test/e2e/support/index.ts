export * from "./api.ts";
export * from "./fixtures.ts";
