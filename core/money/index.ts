export { type RoundingMode, Yuan } from "./yuan.ts";
