// The benchmark's console lines.

export const log = (line = "") => console.log(line);
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const int = (n: number) => Math.round(n).toLocaleString("en-US");
