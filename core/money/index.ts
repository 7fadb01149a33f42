export { YuanText } from "./text.ts";
export { type RoundingMode, Yuan } from "./yuan.ts";
