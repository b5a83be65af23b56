// V8 limits for every local run of the functions (functions:serve, tests, bench), standing in
// for the hosted Edge Runtime's 256 MB per isolate: a heap this size keeps the process's peak
// resident memory near 155 MB during a large import, so local runs would fail loudly where a
// hosted one would be killed. Keep in step with the functions:serve task in deno.json.
export const functionsV8Flags = "--v8-flags=--max-old-space-size=96,--max-semi-space-size=16";
