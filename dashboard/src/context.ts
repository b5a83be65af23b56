/// <reference lib="dom" />
import type { Api } from "./api.ts";

export type NoticeKind = "info" | "error" | "success";

export interface ViewContext {
  api: Api;
  email: string;
  notify(text: string, kind?: NoticeKind): void;
  go(route: string): void;
}

export interface View {
  el: HTMLElement;
  /** Reloads data; `auto` is true for timer-driven refreshes. */
  refresh(auto: boolean): Promise<void>;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
